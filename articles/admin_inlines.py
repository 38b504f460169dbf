"""The story's rows on its change form (bylines, sources, corrections), drawn from what the
form has already loaded, so that a story with eight bylines costs no more queries than one
with a single byline.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet

from articles.models import Byline, Correction, Source
from newsroom.admin import RecordIdAutocompleteSelect


class StoryRowsFormSet(BaseInlineFormSet):
    """Rows that hold their story: a row's label ("Ann Byline on <headline>") fetches nothing."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form


class LoadedAutocompleteSelect(RecordIdAutocompleteSelect):
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


class BylineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "author" in self.fields and self.instance.author_id is not None:
            # Inside the admin's wrapper (the add and change links) is the autocomplete.
            self.fields["author"].widget.widget.loaded = self.instance.author


class BylineFormSet(StoryRowsFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table row's inputs sit under column headings, not labels: name them.
        for name, label in [("position", "Byline position"), ("DELETE", "Delete this byline")]:
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = label


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    formset = BylineFormSet
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["position", "author"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourceInline(admin.StackedInline):
    model = Source
    formset = StoryRowsFormSet
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [("position", "title"), ("publisher", "url"), ("published_on", "note")]


class CorrectionInline(admin.StackedInline):
    """Corrections are added on the story they correct, once readers have seen it."""

    model = Correction
    formset = StoryRowsFormSet
    extra = 0
    fields = [("kind", "published_at"), "text"]
