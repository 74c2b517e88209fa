"""The admin dashboard's panels as a test reads them: one panel rendered alone for a user (to
count its queries), and a panel's part of the dashboard's HTML."""

from django.test import RequestFactory


def render_panel(panel, user):
    """``panel`` (a dashboard ``Component``) rendered for ``user`` as the dashboard renders it."""
    request = RequestFactory().get("/admin/")
    request.user = user
    return panel.render_html({"request": request, "csrf_token": "token"})


def panel_html(html, panel_id):
    """The part of ``html`` (the dashboard) from the panel ``panel_id`` to the next panel, or ""
    when the dashboard has no such panel."""
    start = html.find(f'id="{panel_id}-section"')
    if start < 0:
        return ""
    end = html.find("w-panel--dashboard", start)
    return html[start : end if end >= 0 else len(html)]
