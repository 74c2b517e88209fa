"""Keeping people out: login throttling on every login and password form, the lock-outs an
administrator sees and lifts, password rules, the Content-Security-Policy. README, "Security"."""
