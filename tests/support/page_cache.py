"""What the page-cache tests read of a response, and a browser logged in as someone."""

from django.test import Client


def state(response):
    """What the page cache did: "hit", "miss", or ``None`` (not looked up)."""
    return response.get("X-Page-Cache")


def body(response):
    return response.content.decode()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client
