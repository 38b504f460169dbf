"""The calendar that plans: a week of due, scheduled and published stories by day and
section, and rescheduling from it.

The quick form under each entry posts to `reschedule` (dragging an entry onto another day,
static/desk/calendar.js, only fills that form in and sends it). A due time moves through
workflow.assign and a live time through workflow.move(SCHEDULE), so the workflow's refusals
and audit entries are the ones every other desk button gets.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from articles import visibility, workflow
from articles.desk import desk_time
from articles.desk.forms import LOCAL_TIME_FORMATS
from articles.desk.views import article_admin, desk_page, story_or_404
from articles.models import VISIBLE_STATUSES, ArticleStatus, EditorialAction
from newsroom.params import BadParameter, calendar_date

State = ArticleStatus
DUE, SCHEDULED, PUBLISHED = "due", "scheduled", "published"


@dataclass(frozen=True)
class Entry:
    """One story on one day: due then, going live then, or gone live then."""

    kind: str
    at: datetime
    article: object
    can_reschedule: bool

    @property
    def label(self):
        return {DUE: "Due", SCHEDULED: "Goes live", PUBLISHED: "Published"}[self.kind]

    @property
    def field_label(self):
        return "New due time" if self.kind == DUE else "New time to go live"


def calendar(request):
    """A week of due (planned), scheduled and published stories by day and section."""
    asked = request.GET.get("week", "")
    try:
        day = calendar_date(asked, field="week") if asked else timezone.localdate()
    except BadParameter as error:
        # An edited link: name what was wrong and show this week (its edges stay in range).
        messages.warning(request, f"{error} Showing this week.")
        day = timezone.localdate()
    monday = day - timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = start + timedelta(days=7)
    articles = (
        article_admin()
        .get_queryset(request)
        .exclude(status=State.KILLED)
        .filter(
            Q(due_at__gte=start, due_at__lt=end)
            | Q(
                status__in=VISIBLE_STATUSES,
                published_at__gte=start,
                published_at__lt=end,
            )
        )
        .prefetch_related(None)
    )
    may_plan = request.user.has_perm(workflow.PUBLISH_PERMISSION)
    now = timezone.now()
    entries = []
    for article in articles:
        # A scheduled story readers already see is published: visibility says so, not us.
        shown = visibility.shown_status(article, now)
        is_live = visibility.is_live(article, now)
        if article.due_at and start <= article.due_at < end and not is_live:
            entries.append(Entry(DUE, article.due_at, article, may_plan))
        if article.published_at and start <= article.published_at < end:
            if shown == State.PUBLISHED:
                entries.append(Entry(PUBLISHED, article.published_at, article, False))
            elif shown == State.SCHEDULED:
                entries.append(Entry(SCHEDULED, article.published_at, article, may_plan))
    days = {monday + timedelta(days=n): {} for n in range(7)}
    for entry in sorted(entries, key=lambda entry: entry.at):
        at = timezone.localtime(entry.at)
        section = entry.article.section.name if entry.article.section else "No section"
        days[at.date()].setdefault(section, []).append(entry)
    return desk_page(
        request,
        "desk/calendar.html",
        f"Calendar: week of {date_format(monday, 'j F Y')}",
        days=[(day, sorted(sections.items())) for day, sections in days.items()],
        week=monday,
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        today=timezone.localdate(),
    )


class RescheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=[(DUE, "due time"), (SCHEDULED, "time it goes live")])
    at = forms.DateTimeField(label="New time", input_formats=LOCAL_TIME_FORMATS)


@require_POST
def reschedule(request, pk):
    """Give a story on the calendar a new due time or a new time to go live."""
    article = story_or_404(request, pk, to_change=True)
    form = RescheduleForm(request.POST)
    week = request.POST.get("week", "")
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(request, f"{form.fields[name].label or name}: {errors[0]}")
        return back_to_calendar(week)
    kind, at = form.cleaned_data["kind"], form.cleaned_data["at"]
    try:
        if kind == DUE:
            workflow.assign(article=article, by=request.user, assignee=article.assignee, due_at=at)
        else:
            workflow.move(article, by=request.user, action=EditorialAction.SCHEDULE, at=at)
    except workflow.TransitionRefused as refused:
        messages.error(request, str(refused))
        return back_to_calendar(week)
    what = "is due" if kind == DUE else "goes live"
    when = desk_time(at)
    messages.success(request, f"“{article.headline}” now {what} {when}.")
    return back_to_calendar(timezone.localdate(at).isoformat())


def back_to_calendar(week):
    url = reverse("desk:calendar")
    return redirect(f"{url}?{urlencode({'week': week})}" if week else url)
