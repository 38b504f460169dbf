"""The story's rows on its change form (bylines, sources, corrections), drawn from what the
form has already loaded, so that a story with eight bylines costs no more queries than one
with a single byline.
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import BaseInlineFormSet


class StoryRowsFormSet(BaseInlineFormSet):
    """Rows that hold their story: a row's label ("Ann Byline on <headline>") fetches nothing."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form


class LoadedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, labelling the current choice with the object the row loaded
    (`loaded`) instead of looking it up again, once per row."""

    loaded = None

    def optgroups(self, name, value, attr=None):
        if self.loaded is None or value != [str(self.loaded.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.loaded)
        options.append(self.create_option(name, self.loaded.pk, label, True, len(options)))
        return [(None, options, 0)]
