"""Admin building blocks shared by the apps."""

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.widgets import AutocompleteSelect
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from articles.roles import lands_on_my_stories
from newsroom.params import is_record_id


class NewsroomAdminSite(admin.AdminSite):
    """The desk's admin: reporters land on their own stories, everyone else on the index."""

    def index(self, request, extra_context=None):
        if lands_on_my_stories(request.user):
            return redirect("desk:my_stories")
        return super().index(request, extra_context)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin.NewsroomAdminSite"


class RecordIdAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, drawing a posted value that is no record id as no choice,
    its box named by the field's label and, when empty, saying what to type.

    A refused form is drawn again with what was posted, and Django's widget looks the posted
    value up as it is: " " or "٣" raised there (a 500) after the field had refused it.
    """

    # select2 shows it in an empty box, which would otherwise look blank.
    placeholder = "Type to search"
    # What the widget adds to the page, after django.jQuery and select2; a subclass extends them.
    scripts = ["desk/autocomplete-names.js"]
    styles = []

    def build_attrs(self, base_attrs, extra_attrs=None):
        return super().build_attrs(base_attrs, extra_attrs) | {"data-placeholder": self.placeholder}

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if is_record_id(v)], attr)

    @property
    def media(self):
        # Listed after jquery.init.js, so that a form's merged media cannot put the scripts
        # before the django.jQuery they use.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", *self.scripts],
            css={"all": self.styles} if self.styles else None,
        )


class AutocompleteByIdMixin:
    """A model admin whose `autocomplete_fields` use RecordIdAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = RecordIdAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LogAdmin(admin.ModelAdmin):
    """An append-only log in the admin: readable and filterable, never added to or edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_page(model_admin, request, template, title, **context):
    """A page of a model admin's own (a desk view, a revision history) inside the admin's
    frame: its sidebar, breadcrumbs' options and title."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            **context,
        },
    )
