"""The editorial desk in the article admin: state badges, workflow buttons, bulk moves,
the desk and calendar pages, and the audit log.

`DeskAdminMixin` is cooperative (every method calls super()) so that it combines with the
other mixins on ArticleAdmin. Every move goes through articles/workflow.py, which checks
permission itself: hiding a button here is a courtesy, never the guard.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.html import format_html

from articles import workflow
from articles.models import ArticleStatus, Desk, EditorialAction, EditorialEvent, Section
from newsroom.admin import LogAdmin, admin_page

State = ArticleStatus
Action = EditorialAction
RECENTLY_PUBLISHED = timedelta(hours=48)

DESK_ACTIONS = ["submit_selected", "approve_selected", "publish_selected", "unpublish_selected"]

# What each workflow button says; "Publish now" and "Schedule for …" are never confused.
BUTTON_LABELS = {
    Action.SUBMIT: "Submit for review",
    Action.RETURN: "Return to reporter",
    Action.APPROVE: "Approve",
    Action.PUBLISH: "Publish now",
    Action.SCHEDULE: "Schedule",
    Action.UNPUBLISH: "Unpublish",
    Action.KILL: "Kill",
}


class TransitionForm(forms.Form):
    """The workflow part of a change-form POST: which move, its note, its time."""

    _transition = forms.ChoiceField(choices=list(BUTTON_LABELS.items()))
    workflow_note = forms.CharField(required=False)
    schedule_at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    )


class DeskAdminMixin:
    """List `DESK_ACTIONS` in the admin's `actions` to offer the bulk moves."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["desk/desk.css"]}, js=["desk/checklist.js"])

    # Who sees and edits what.

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .on_desk_of(request.user)
            .for_listing()
            .select_related("assignee")
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.submit_article")

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        # The state and publication time move only through the workflow.
        fields = [*super().get_readonly_fields(request, obj), "status", "published_at"]
        if not self.has_publish_permission(request):
            fields += ["assignee", "due_at", "unpublish_at"]
        return fields + ["kill_notice"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            sections = Desk.section_ids_for(request.user)
            if sections is not None and not request.user.is_superuser:
                # A desk editor's story stays on their desk: a section of theirs, required.
                kwargs["queryset"] = Section.objects.filter(pk__in=sections)
                kwargs["required"] = True
        if db_field.name == "assignee":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The change form: save, then make the move the button asked for.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if {"assignee", "due_at"} & set(form.changed_data):
            workflow.assign(article=obj, by=request.user, assignee=obj.assignee, due_at=obj.due_at)

    def response_change(self, request, obj):
        if "_transition" in request.POST:
            self.make_move(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def make_move(self, request, article):
        """Run the workflow move a change-form button posted, reporting the outcome."""
        form = TransitionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field.strip('_').replace('_', ' ')}: {errors[0]}")
            return
        action, note = form.cleaned_data["_transition"], form.cleaned_data["workflow_note"]
        by = request.user
        try:
            if action == Action.SCHEDULE:
                at = form.cleaned_data["schedule_at"]
                workflow.schedule(article=article, by=by, at=at, note=note)
            elif action == Action.KILL:
                workflow.kill(article=article, by=by, reason=note)
            else:
                move = {
                    Action.SUBMIT: workflow.submit,
                    Action.RETURN: workflow.return_to_reporter,
                    Action.APPROVE: workflow.approve,
                    Action.PUBLISH: workflow.publish,
                    Action.UNPUBLISH: workflow.unpublish,
                }[action]
                move(article=article, by=by, note=note)
        except workflow.TransitionRefused as refused:
            messages.error(request, str(refused))
            state = article.get_status_display().lower()
            messages.info(request, f"Your edits were saved; the story is still {state}.")
        else:
            messages.success(request, f"“{article}” is now {article.get_status_display().lower()}.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.desk_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request, article):
        scheduled = article.published_at if article.status == State.SCHEDULED else None
        schedule_at = request.POST.get("schedule_at") or (
            timezone.localtime(scheduled).strftime("%Y-%m-%dT%H:%M") if scheduled else ""
        )
        zone = timezone.get_current_timezone_name()
        return {
            "desk_article": article,
            "desk_checklist": workflow.publish_checklist(article),
            "desk_moves": [
                (action, BUTTON_LABELS[action])
                for action in workflow.allowed_actions(request.user, article)
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

    # The article list.

    @admin.display(description="state", ordering="status")
    def state_badge(self, article):
        label = article.get_status_display()
        if article.status == State.SCHEDULED and article.published_at <= timezone.now():
            label += " (overdue)"
        return format_html(
            '<span class="desk-badge desk-badge--{}">{}</span>', article.status, label
        )

    @admin.display(description="bylines")
    def byline_names(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description="scheduled for", ordering="published_at")
    def scheduled_for(self, article):
        if article.status != State.SCHEDULED:
            return ""
        return date_format(timezone.localtime(article.published_at), "j M Y H:i T")

    # Bulk moves: each article on its own, permission and rules checked per article.

    @admin.action(description="Submit selected articles for review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self.move_each(request, queryset, workflow.submit)

    @admin.action(description="Approve selected articles", permissions=["publish"])
    def approve_selected(self, request, queryset):
        self.move_each(request, queryset, workflow.approve)

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.move_each(request, queryset, workflow.publish)

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self.move_each(request, queryset, workflow.unpublish)

    def move_each(self, request, queryset, move):
        moved = []
        for article in queryset:
            try:
                move(article=article, by=request.user)
            except workflow.TransitionRefused as refused:
                messages.warning(request, f"Skipped: {refused}")
            else:
                moved.append(article)
        if moved:
            state = moved[0].get_status_display().lower()
            count = "1 article" if len(moved) == 1 else f"{len(moved)} articles"
            messages.success(request, f"{count} now {state}.")

    # The desk and the calendar.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("desk/", view(self.desk_view), name="articles_article_desk"),
            path("calendar/", view(self.calendar_view), name="articles_article_calendar"),
            *super().get_urls(),
        ]

    def desk_page(self, request, template, title, **context):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return admin_page(self, request, template, title, **context)

    def desk_view(self, request):
        """The editor's queue: in review, approved, scheduled (overdue marked), just published."""
        articles = self.get_queryset(request)
        now = timezone.now()
        queue = {State.IN_REVIEW: [], State.APPROVED: [], State.SCHEDULED: []}
        for article in articles.filter(status__in=queue).order_by("due_at", "published_at", "pk"):
            queue[article.status].append(article)
        recent = articles.filter(
            status=State.PUBLISHED, published_at__gte=now - RECENTLY_PUBLISHED
        ).order_by("-published_at", "-pk")
        return self.desk_page(
            request,
            "admin/articles/article/desk.html",
            "The desk",
            queues=[
                ("In review", queue[State.IN_REVIEW]),
                ("Approved", queue[State.APPROVED]),
                ("Scheduled", queue[State.SCHEDULED]),
                ("Published in the last 48 hours", list(recent)),
            ],
            now=now,
        )

    def calendar_view(self, request):
        """A week of due (planned) and scheduled stories by day and section."""
        asked = request.GET.get("week", "")
        try:
            day = parse_date(asked) if asked else timezone.localdate()
        except ValueError:
            day = None
        if day is None:
            messages.warning(
                request, f"week: “{asked}” is not a date (YYYY-MM-DD); showing this week."
            )
            day = timezone.localdate()
        monday = day - timedelta(days=day.weekday())
        start = timezone.make_aware(datetime.combine(monday, time.min))
        end = start + timedelta(days=7)
        articles = (
            self.get_queryset(request)
            .exclude(status=State.KILLED)
            .filter(
                Q(due_at__gte=start, due_at__lt=end)
                | Q(status=State.SCHEDULED, published_at__gte=start, published_at__lt=end)
            )
            .prefetch_related(None)
        )
        entries = []
        for article in articles:
            if article.due_at and start <= article.due_at < end:
                entries.append(("due", article.due_at, article))
            if article.status == State.SCHEDULED and start <= article.published_at < end:
                entries.append(("scheduled", article.published_at, article))
        days = {monday + timedelta(days=n): {} for n in range(7)}
        for kind, at, article in sorted(entries, key=lambda entry: entry[1]):
            at = timezone.localtime(at)
            section = article.section.name if article.section else "No section"
            days[at.date()].setdefault(section, []).append((kind, at, article))
        return self.desk_page(
            request,
            "admin/articles/article/calendar.html",
            f"Calendar: week of {date_format(monday, 'j F Y')}",
            days=[(day, sorted(sections.items())) for day, sections in days.items()],
            previous_week=monday - timedelta(days=7),
            next_week=monday + timedelta(days=7),
            today=timezone.localdate(),
        )


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
