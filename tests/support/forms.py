"""Forms read from HTML and submitted as a browser would, so a test clicks the button (or
picks the option) a person sees instead of requesting an address it knows."""

from html.parser import HTMLParser


class Forms(HTMLParser):
    """The forms of a page: action, method, the fields it submits and its buttons' text."""

    def __init__(self, html):
        super().__init__()
        self.forms, self._form, self._button, self._select = [], None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": attrs.get("method", "get")}
            self._form.update(fields={}, buttons=[], choices={})
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attrs.get("name"):
            self._form["fields"][attrs["name"]] = attrs.get("value", "")
            if attrs.get("type") in ("radio", "checkbox"):
                options = self._form["choices"].setdefault(attrs["name"], [])
                options.append(attrs.get("value", "on"))
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = self._form["choices"].setdefault(attrs["name"], [])
        elif self._select is not None and tag == "option":
            self._select.append(attrs.get("value", ""))
        elif self._form is not None and tag == "button":
            self._button = []

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self._form["buttons"].append(" ".join("".join(self._button).split()))
            self._button = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def forms_labelled(html, label):
    """The forms of ``html`` with a button reading exactly ``label``."""
    return [form for form in Forms(html).forms if label in form["buttons"]]


def click(client, form):
    """Submit ``form`` (a POST form) with its fields, following the redirect."""
    assert form["method"].lower() == "post", form
    return client.post(form["action"], form["fields"], follow=True)


def choose(client, form, page_url, **chosen):
    """Submit ``form`` (a GET form read from ``page_url``) with its text and hidden fields and
    the options ``chosen`` (name=value), each of which must be one the form offers."""
    assert form["method"].lower() == "get", form
    params = {k: v for k, v in form["fields"].items() if k not in form["choices"]}
    for name, value in chosen.items():
        assert value in form["choices"].get(name, []), (name, value, form["choices"].get(name))
        params[name] = value
    return client.get(form["action"] or page_url, params)
