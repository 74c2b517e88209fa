"""Background work of syndication (django-tasks): one task sends one delivery."""

from django_tasks import task


@task()
def deliver(delivery_id):
    """Send delivery ``delivery_id`` if it is due and unclaimed; returns its status."""
    # Here, not at the top: delivery imports this module to queue the task.
    from jingjian.syndication import delivery

    return delivery.send(delivery_id)
