"""Forms read from admin HTML and submitted as a browser would, so a test clicks the button a
person sees instead of posting to an address it knows."""

from html.parser import HTMLParser


class Forms(HTMLParser):
    """The forms of a page: action, method, the fields it submits and its buttons' text."""

    def __init__(self, html):
        super().__init__()
        self.forms, self._form, self._button = [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": attrs.get("method", "get")}
            self._form.update(fields={}, buttons=[])
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attrs.get("name"):
            self._form["fields"][attrs["name"]] = attrs.get("value", "")
        elif self._form is not None and tag == "button":
            self._button = []

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self._form["buttons"].append(" ".join("".join(self._button).split()))
            self._button = None
        elif tag == "form":
            self._form = None


def forms_labelled(html, label):
    """The forms of ``html`` with a button reading exactly ``label``."""
    return [form for form in Forms(html).forms if label in form["buttons"]]


def click(client, form):
    """Submit ``form`` (a POST form) with its fields, following the redirect."""
    assert form["method"].lower() == "post", form
    return client.post(form["action"], form["fields"], follow=True)
