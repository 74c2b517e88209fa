"""Content types that tests register for one test and take away again."""

from jingjian.core import content_types


def forget(content_type):
    """Undo ``content_types.register(content_type)`` (the registry offers no removal: a site's
    types are fixed once its apps are ready)."""
    content_types._registered.pop(content_type.model, None)
