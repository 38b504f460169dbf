"""Submit admin forms as a browser would: read every field's value from the page's HTML."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        kind = attrs.get("type")
        if tag == "input" and name and kind not in ("submit", "button", "file"):
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            # A textarea's first newline belongs to the markup, not to the value.
            if not self.data[self.textarea][0]:
                data = data.removeprefix("\n")
            self.data[self.textarea][0] += data


def form_data(response, form_id="article_form", **changes):
    """The form's current values as POST data, with `changes` applied."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data = {
        name: values if len(values) > 1 else (values[0] if values else "")
        for name, values in reader.data.items()
    }
    data.update(changes)
    return data
