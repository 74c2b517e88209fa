"""Background work of syndication (django-tasks): one task sends one delivery."""

from django_tasks import task


@task()
def deliver(delivery_id):
    """Send delivery ``delivery_id`` if it is due and unclaimed; returns its status."""
    from jingjian.syndication.delivery import send

    return send(delivery_id)
