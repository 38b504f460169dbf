"""The story's rows on its change form (bylines, sources, related stories, corrections),
drawn from what the form has already loaded, so that a story with eight bylines costs no
more queries than one with a single byline.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst

from articles.models import Byline, Correction, RelatedStory, Source
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


class LoadedRowForm(forms.ModelForm):
    """A row whose autocomplete (`chosen`) is labelled with the object the row loaded."""

    chosen = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.chosen in self.fields and getattr(self.instance, f"{self.chosen}_id") is not None:
            # Inside the admin's wrapper (the add and change links) is the autocomplete.
            self.fields[self.chosen].widget.widget.loaded = getattr(self.instance, self.chosen)


class LabelledRowsFormSet(StoryRowsFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table row's inputs sit under column headings, not labels: name them.
        row = self.model._meta.verbose_name
        for name, label in [
            ("position", f"{capfirst(row)} position"),
            ("DELETE", f"Delete this {row}"),
        ]:
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = label


class LoadedRowInline(admin.TabularInline):
    """Rows of the story, each choosing one record by autocomplete (`form.chosen`), loaded
    with the rows in one query."""

    formset = LabelledRowsFormSet
    extra = 0
    min_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.form.chosen)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BylineForm(LoadedRowForm):
    chosen = "author"


class BylineInline(LoadedRowInline):
    model = Byline
    form = BylineForm
    autocomplete_fields = ["author"]
    fields = ["position", "author"]


class RelatedStoryForm(LoadedRowForm):
    chosen = "story"


class RelatedStoryInline(LoadedRowInline):
    """Related stories an editor picks, in order; readers see the published ones, and the
    automatic related stories fill the rest."""

    model = RelatedStory
    fk_name = "article"
    form = RelatedStoryForm
    autocomplete_fields = ["story"]
    fields = ["position", "story"]
    verbose_name = "related story (chosen)"
    verbose_name_plural = "Related stories (chosen; the automatic ones fill the rest)"


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
