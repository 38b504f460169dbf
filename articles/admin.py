"""The editorial desk in the admin: sections, authors, the article list and change form
(state badges, the checklist and the workflow's buttons, revisions and concurrent edits,
corrections), bulk moves, the audit log and desks.

Every move goes through articles/workflow.py, which checks permission itself: hiding a
button here is a courtesy, never the guard. The desk's own pages (queue, calendar,
revisions, preview links) are in articles/desk/.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import presence, previews, revisions, workflow
from articles.admin_inlines import (
    BylineInline,
    CorrectionInline,
    RelatedStoryInline,
    SourceInline,
)
from articles.desk import desk_time
from articles.desk.forms import ArticleEditionForm, TransitionForm
from articles.desk.views import (
    another_desks_story,
    compare_url,
    revoke_preview,
    share_preview,
)
from articles.editor import BodyEditor
from articles.models import (
    Article,
    ArticleStatus,
    Author,
    Correction,
    Desk,
    EditorialEvent,
    PreviewAccess,
    PreviewLink,
    Section,
)
from articles.models.desk import UNFINISHED_STATUSES
from library.admin import ImageSelect
from newsroom.admin import AutocompleteByIdMixin, LogAdmin
from newsroom.params import record_id

State = ArticleStatus
# The admin's name for each permission a bulk move needs (its has_<name>_permission method).
BADGE = '<span class="desk-badge desk-badge--{}">{}</span>'

BULK_PERMISSION_NAMES = {
    workflow.SUBMIT_PERMISSION: "submit",
    workflow.PUBLISH_PERMISSION: "publish",
}


class StoryOnAnotherDesk(PermissionDenied):
    """A story that exists but is not on this person's desk (a 403 however it is reached)."""

    def __init__(self, article):
        super().__init__(f"“{article.headline}” is on another desk.")
        self.article = article


def bulk_move(action):
    """The article list's bulk action for one move of the workflow's table."""
    transition = workflow.TRANSITIONS[action]

    def move_selected(model_admin, request, queryset):
        model_admin.move_each(request, queryset, action)

    move_selected.__name__ = f"{action}_selected"
    return admin.action(
        description=transition.bulk_label,
        permissions=[BULK_PERMISSION_NAMES[transition.permission]],
    )(move_selected)


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
class AuthorAdmin(AutocompleteByIdMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]


class ArticleChangeList(ChangeList):
    """The article list, by default with the stories someone must act on first."""

    def get_ordering(self, request, queryset):
        if self.params.get(ORDER_VAR):  # A column the reader sorted by.
            return super().get_ordering(request, queryset)
        return ["action_rank", "-modified_at", "-pk"]


@admin.register(Article)
class ArticleAdmin(AutocompleteByIdMixin, admin.ModelAdmin):
    list_display = [
        "headline",
        "state_badge",
        "section",
        "byline_names",
        "assignee",
        "next_time",
        "updated",
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
    actions = [
        bulk_move(action) for action, move in workflow.TRANSITIONS.items() if move.bulk_label
    ]
    search_fields = ["headline", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    inlines = [BylineInline, SourceInline, RelatedStoryInline]
    readonly_fields = [
        "image_prompt",
        "first_published_at",
        "updated_at",
        "created_at",
        "modified_at",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "dek", "body", "excerpt", "slug"]}),
        ("Placement", {"fields": ["section", "tags", "article_type", "dateline"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                    "image_prompt",
                ]
            },
        ),
        (
            "Desk",
            {
                "fields": [
                    "status",
                    "published_at",
                    "unpublish_at",
                    "assignee",
                    "due_at",
                    "editorial_notes",
                    "kill_notice",
                ]
            },
        ),
        ("Comments", {"fields": ["is_commenting_open", "moderation_mode"]}),
        (
            "Record",
            {
                "fields": ["first_published_at", "updated_at", "created_at", "modified_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    @property
    def media(self):
        # Files, not inline code: the Content-Security-Policy refuses inline style and script.
        return super().media + forms.Media(
            css={"all": ["desk/desk.css", "articles/revisions.css"]},
            js=["desk/checklist.js", "desk/leave-guard.js", "articles/presence.js"],
        )

    # Who sees and edits what.

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .on_desk_of(request.user)
            .for_listing()
            .select_related("assignee")
            .with_last_move()
            .needing_action_first(timezone.now())
        )

    def view_on_site(self, article):
        """The story as readers see it, or its preview while readers cannot."""
        if article.is_live:
            return article.get_absolute_url()
        return reverse("articles:preview", args=[article.pk])

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None and self.has_view_or_change_permission(request):
            # Not on this person's desk: say so rather than "doesn't exist".
            try:
                elsewhere = Article.objects.select_related("section").get(pk=object_id)
            except (Article.DoesNotExist, ValueError, ValidationError):
                return None
            raise StoryOnAnotherDesk(elsewhere)
        return article

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StoryOnAnotherDesk as refusal:
            return another_desks_story(request, refusal.article)

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = BodyEditor
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, AdminSplitDateTime):
            # The row's label names neither box of a split time (Django gives it no "for").
            date, time = field.widget.widgets
            date.attrs["aria-label"] = f"{field.label}: date"
            time.attrs["aria-label"] = f"{field.label}: time"
        return field

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.SUBMIT_PERMISSION)

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        # The state and publication time move only through the workflow.
        fields = [*super().get_readonly_fields(request, obj), "status", "published_at"]
        if not self.has_publish_permission(request):
            fields += ["assignee", "due_at", "unpublish_at"]
        return fields + ["kill_notice"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_image":
            # Chosen from the library by typing, with thumbnails; "+" adds one in a popup.
            kwargs["widget"] = ImageSelect(db_field, self.admin_site)
        if db_field.name == "section":
            sections = Desk.section_ids_for(request.user)
            if sections is not None and not request.user.is_superuser:
                # A desk editor's story stays on their desk: a section of theirs, required.
                kwargs["queryset"] = Section.objects.filter(pk__in=sections)
                kwargs["required"] = True
        if db_field.name == "assignee":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The change form: save (refusing a save overtaken by someone else's), keep a revision,
    # then make the move the button asked for.

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (ArticleEditionForm, base), {})
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and obj.has_been_published:
            inlines = [*inlines, CorrectionInline]
        return inlines

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif not obj.revisions.exists():
            # An imported or older story: keep how it stood, so its first edit has a diff.
            revisions.record(
                Article.objects.get(pk=obj.pk), None, summary="As it stood before the desk"
            )
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("is_substantive_update") and obj.has_been_published:
            obj.mark_updated()
        if {"assignee", "due_at"} & set(form.changed_data):
            workflow.assign(article=obj, by=request.user, assignee=obj.assignee, due_at=obj.due_at)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            for correction in formset.new_objects:
                form.instance.mark_updated(correction.published_at)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.record(form.instance, request.user)
        presence.leave(form.instance, request.user)

    def response_change(self, request, obj):
        # The desk's buttons save the form first, so no typed text is lost by pressing one.
        if "_transition" in request.POST:
            self.make_move(request, obj)
            return HttpResponseRedirect(request.path)
        if "_share" in request.POST:
            share_preview(request, obj)
            return HttpResponseRedirect(request.path)
        if "_revoke_share" in request.POST:
            link = record_id(request.POST["_revoke_share"], field="_revoke_share")
            revoke_preview(request, obj, link)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def make_move(self, request, article):
        """Run the workflow move a change-form button posted, reporting the outcome."""
        form = TransitionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field.strip('_').replace('_', ' ')}: {errors[0]}")
            return
        try:
            workflow.move(
                article,
                by=request.user,
                action=form.cleaned_data["_transition"],
                note=form.cleaned_data["workflow_note"],
                at=form.cleaned_data["schedule_at"],
            )
        except workflow.TransitionRefused as refused:
            messages.error(request, str(refused))
            state = article.get_status_display().lower()
            messages.info(request, f"Your edits were saved; the story is still {state}.")
        else:
            messages.success(request, f"“{article}” is now {article.get_status_display().lower()}.")

    # The change form's panels: where the story stands and its moves; versions, other
    # editors and preview links.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.desk_context(request, obj))
            context["revision_panel"] = self.revision_panel(request, obj, context["adminform"].form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request, article):
        scheduled = article.published_at if article.status == State.SCHEDULED else None
        schedule_at = request.POST.get("schedule_at") or (
            timezone.localtime(scheduled).strftime("%Y-%m-%dT%H:%M") if scheduled else ""
        )
        zone = timezone.get_current_timezone_name()
        moves = [
            (action, workflow.TRANSITIONS[action])
            for action in workflow.allowed_actions(request.user, article)
        ]
        return {
            "desk_article": article,
            "desk_checklist": workflow.publish_checklist(article),
            "desk_moves": [(action, move.label) for action, move in moves if not move.asks_first],
            "desk_asking_moves": [
                (action, move.label) for action, move in moves if move.asks_first
            ],
            "desk_events": article.editorial_events.select_related("actor")[:10],
            "desk_note": request.POST.get("workflow_note", ""),
            "desk_schedule_at": schedule_at,
            "desk_schedule_label": (
                f"Schedule for {schedule_at.replace('T', ' ')} {zone}"
                if schedule_at
                else f"Schedule for the time above ({zone})"
            ),
            "desk_timezone": zone,
        }

    def revision_panel(self, request, article, form):
        """What the change form shows about versions, other editors and preview links."""
        latest = article.revisions.select_related("created_by").first()
        panel = {
            "latest": latest,
            "latest_changes_url": (
                compare_url(article, latest.number - 1, latest.number) if latest else None
            ),
            "others_editing": presence.touch(article, request.user),
            "form": form,
            "can_share": request.user.has_perm("articles.add_previewlink"),
            "can_revoke": request.user.has_perm("articles.change_previewlink"),
            "preview_links": [
                (link, request.build_absolute_uri(link.get_absolute_url()))
                for link in article.preview_links.filter(
                    revoked_at__isnull=True, expires_at__gt=timezone.now()
                )
            ],
        }
        if form.overtaken_by is not None:
            # A form opened before the story's first desk save saw what version 1 keeps.
            opened = max(form.overtaken_seen, 1)
            seen = article.revisions.filter(number=opened).first()
            panel["overtaken"] = {
                "revision": form.overtaken_by,
                "changes": revisions.compare(
                    seen.snapshot if seen else {}, form.overtaken_by.snapshot
                ),
                "compare_url": compare_url(article, opened, form.overtaken_by.number),
            }
        return panel

    # The article list.

    @admin.display(description="state", ordering="state_rank")
    def state_badge(self, article):
        status = article.shown_status
        if status == State.DRAFT and article.last_move == workflow.Action.RETURN:
            return format_html(BADGE, "draft", "Returned")
        return format_html(BADGE, status, status.label)

    @admin.display(description="bylines")
    def byline_names(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description="due or live", ordering="due_at")
    def next_time(self, article):
        """When the story goes live or went live, else when it is due; overdue marked."""
        if article.is_live:
            label, at = "Live", article.published_at
        elif article.status == State.SCHEDULED:
            label, at = "Goes live", article.published_at
        elif article.due_at and article.status in UNFINISHED_STATUSES:
            is_overdue = article.due_at < timezone.now()
            label, at = ("Overdue" if is_overdue else "Due"), article.due_at
        else:
            return ""
        return format_html('{}<span class="desk-list-time">{}</span>', label, desk_time(at))

    @admin.display(description="updated", ordering="modified_at")
    def updated(self, article):
        return format_html('<span class="desk-list-time">{}</span>', desk_time(article.modified_at))

    # Bulk moves (made by bulk_move() from the workflow's table): each article on its own,
    # permission and rules checked per article.

    def move_each(self, request, queryset, action):
        moved = []
        for article in queryset:
            try:
                workflow.move(article, by=request.user, action=action)
            except workflow.TransitionRefused as refused:
                messages.warning(request, f"Skipped: {refused}")
            else:
                moved.append(article)
        if moved:
            state = moved[0].get_status_display().lower()
            count = "1 article" if len(moved) == 1 else f"{len(moved)} articles"
            messages.success(request, f"{count} now {state}.")


@admin.register(Correction)
class CorrectionAdmin(AutocompleteByIdMixin, admin.ModelAdmin):
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

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["desk/desk.css"]})

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        for link in queryset:
            previews.revoke(link)
        self.message_user(request, f"Revoked {len(queryset)} preview link(s).")


@admin.register(EditorialEvent)
class EditorialEventAdmin(LogAdmin):
    """The audit log: read-only, filterable, every editorial action ever taken."""

    list_display = [
        "created_at",
        "actor_name",
        "action",
        "story",
        "from_state",
        "to_state",
        "note",
    ]
    list_filter = [
        "action",
        "to_state",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["actor"]
    search_fields = ["headline", "note"]
    date_hierarchy = "created_at"

    @admin.display(description="who", ordering="actor")
    def actor_name(self, event):
        return event.actor_name

    @admin.display(description="story", ordering="headline")
    def story(self, event):
        if event.article_id is None:
            return event.headline
        url = reverse("admin:articles_article_change", args=[event.article_id])
        return format_html('<a href="{}">{}</a>', url, event.headline)


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["sections", "editors"]
