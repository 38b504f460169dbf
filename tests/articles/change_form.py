"""Post the article change form as a browser would: every field as the page rendered it."""

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms import CheckboxInput, ClearableFileInput, MultiWidget
from django.urls import reverse


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form_data(client, article, **changes):
    """The change form's current values (main form and inlines), with `changes` on top."""
    response = client.get(change_url(article))
    assert response.status_code == 200, response.status_code
    return form_data(response, **changes)


def form_data(response, **changes):
    """What an admin form page (add, change, or one refused) would post, with `changes`."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            data.update(_posted(bound))
    data.update(changes)
    return data


def _posted(bound):
    posted = _values(bound.field.widget, bound.html_name, bound.value())
    if bound.field.show_hidden_initial:
        # A browser also posts the value a field was drawn with (a callable default's);
        # without it the row reads as changed and is written again.
        hidden, name = bound.field.hidden_widget(), bound.html_initial_name
        if name in bound.form.data:
            initial = hidden.value_from_datadict(bound.form.data, bound.form.files, name)
        else:
            initial = bound.value()
        posted.update(_values(hidden, name, initial))
    return posted


def _values(widget, name, value):
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, ClearableFileInput):
        return {}
    if isinstance(widget, CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(widget, MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {
            f"{name}_{n}": sub.format_value(part) or ""
            for n, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True))
        }
    formatted = widget.format_value(value)
    return {name: "" if formatted is None else formatted}
