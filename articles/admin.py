from django import forms
from django.contrib import admin
from django.db import models

from articles import previews
from articles.admin_desk import DESK_ACTIONS, DeskAdminMixin
from articles.admin_history import ArticleHistoryAdminMixin
from articles.admin_inlines import LoadedAutocompleteSelect, StoryRowsFormSet
from articles.images import LeadImageField
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    PreviewAccess,
    PreviewLink,
    Section,
    Source,
)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "position",
        "is_featured",
        "is_commenting_open",
        "moderation_mode",
    ]
    list_editable = ["position", "is_featured"]
    list_filter = ["is_featured"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]


class BylineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "author" in self.fields and self.instance.author_id is not None:
            # Inside the admin's wrapper (the add and change links) is the autocomplete.
            self.fields["author"].widget.widget.loaded = self.instance.author


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    formset = StoryRowsFormSet
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


@admin.register(Article)
class ArticleAdmin(DeskAdminMixin, ArticleHistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "headline",
        "state_badge",
        "section",
        "byline_names",
        "assignee",
        "due_at",
        "scheduled_for",
        "modified_at",
    ]
    list_filter = [
        "status",
        "section",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("published_at", admin.DateFieldListFilter),
        ("due_at", admin.DateFieldListFilter),
        "article_type",
    ]
    list_select_related = ["section", "assignee"]
    actions = [*DESK_ACTIONS]
    search_fields = ["headline", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    inlines = [BylineInline, SourceInline]
    formfield_overrides = {models.ImageField: {"form_class": LeadImageField}}
    readonly_fields = [
        "image_prompt",
        "first_published_at",
        "updated_at",
        "created_at",
        "modified_at",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "excerpt"]}),
        ("Placement", {"fields": ["section", "tags", "article_type", "dateline"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                    ("focal_x", "focal_y"),
                    "image_prompt",
                ]
            },
        ),
        ("Publication", {"fields": ["status", "published_at", "unpublish_at"]}),
        ("Desk", {"fields": ["assignee", "due_at", "editorial_notes", "kill_notice"]}),
        ("Comments", {"fields": ["is_commenting_open", "moderation_mode"]}),
        (
            "Record",
            {
                "fields": ["first_published_at", "updated_at", "created_at", "modified_at"],
                "classes": ["collapse"],
            },
        ),
    ]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Every correction on the site; most are added on the story's own change form."""

    list_display = ["article", "kind", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["text", "article__headline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["article"]
    fields = ["article", "kind", "published_at", "text"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            obj.article.mark_updated(obj.published_at)


class PreviewAccessInline(admin.TabularInline):
    model = PreviewAccess
    extra = 0
    can_delete = False
    fields = readonly_fields = ["accessed_at", "user", "ip_address", "user_agent"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Shared previews and who read them; links are made from the article's change form."""

    list_display = ["article", "created_by", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["article", "created_by"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["article__headline"]
    fields = readonly_fields = ["article", "created_by", "created_at", "expires_at", "revoked_at"]
    inlines = [PreviewAccessInline]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        for link in queryset:
            previews.revoke(link)
        self.message_user(request, f"Revoked {len(queryset)} preview link(s).")
