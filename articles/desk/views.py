"""The desk's own pages, in the admin's frame: the queue, a story's revisions
(history, compare, restore), the change form's presence heartbeat and shared preview links.

Who may open which story is the article admin's to say (its queryset and permissions, which
ask articles/workflow.py); these views ask it rather than keeping rules of their own.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import presence, previews, revisions, visibility
from articles.desk import desk_time
from articles.models import Article, ArticleStatus, Desk, PreviewLink, Revision
from newsroom.admin import admin_page
from newsroom.params import whole_number

State = ArticleStatus
RECENTLY_PUBLISHED = timedelta(hours=48)


def article_admin():
    return admin.site.get_model_admin(Article)


def desk_page(request, template, title, **context):
    model_admin = article_admin()
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    return admin_page(model_admin, request, template, title, **context)


def story_or_404(request, pk, *, to_change=False):
    """The story at `pk`, if this person may open it (or change it, with `to_change`)."""
    model_admin = article_admin()
    article = model_admin.get_object(request, str(pk))
    if article is None:
        raise Http404("No article with this number.")
    allowed = (
        model_admin.has_change_permission(request, article)
        if to_change
        else model_admin.has_view_or_change_permission(request, article)
    )
    if not allowed:
        raise PermissionDenied
    return article


def another_desks_story(request, article):
    """The 403 for a story that exists but is not this person's: whose it is, not "gone"."""
    desks = list(Desk.objects.filter(sections=article.section_id).values_list("name", flat=True))
    mine = list(Desk.objects.filter(editors=request.user).values_list("name", flat=True))
    response = desk_page(
        request,
        "desk/another_desk.html",
        "This story is on another desk",
        article=article,
        desks=desks,
        my_desks=mine,
        is_editor=request.user.has_perm("articles.edit_any_article"),
    )
    response.status_code = 403
    return response


def compare_url(article, old, new="live"):
    """One click from anywhere to a diff between two version numbers (0: none yet)."""
    url = reverse("desk:compare", args=[article.pk])
    return f"{url}?from={old}&to={new}"


# The queue (the calendar is in articles/desk/planning.py).


def index(request):
    """The editor's queue: in review, approved, scheduled, published in the last 48 hours."""
    now = timezone.now()
    # A scheduled story readers already see is published, whether or not cron has run.
    on_desk = (
        article_admin()
        .get_queryset(request)
        .filter(
            Q(status__in=[State.IN_REVIEW, State.APPROVED])
            | Q(status=State.SCHEDULED, published_at__gt=now)
            | Q(visibility.live(now), published_at__gte=now - RECENTLY_PUBLISHED)
        )
    )
    queue = {State.IN_REVIEW: [], State.APPROVED: [], State.SCHEDULED: [], State.PUBLISHED: []}
    for article in on_desk.order_by("due_at", "published_at", "pk"):
        queue[visibility.shown_status(article, now)].append(article)
    recent = sorted(queue[State.PUBLISHED], key=lambda a: (a.published_at, a.pk), reverse=True)
    return desk_page(
        request,
        "desk/index.html",
        "The desk",
        queues=[
            ("In review", queue[State.IN_REVIEW]),
            ("Approved", queue[State.APPROVED]),
            ("Scheduled", queue[State.SCHEDULED]),
            ("Published in the last 48 hours", recent),
        ],
        now=now,
    )


# A story's revisions: history, compare and restore.


def revisions_page(request, template, article, title, **context):
    return desk_page(request, f"desk/{template}", title, article=article, **context)


def history(request, pk):
    article = story_or_404(request, pk)
    history = list(article.revisions.select_related("created_by").defer("snapshot"))
    # Each revision with the one before it (none for the first, nor for an imported story
    # that no one has saved at the desk yet).
    previous = [*history[1:], None] if history else []
    rows = [
        {
            "revision": revision,
            "previous_url": compare_url(article, older.number, revision.number) if older else None,
            "live_url": compare_url(article, revision.number),
        }
        for revision, older in zip(history, previous, strict=True)
    ]
    return revisions_page(
        request,
        "revisions.html",
        article,
        f"Revisions of “{article}”",
        rows=rows,
        latest_vs_live_url=compare_url(article, history[0].number) if history else None,
        can_restore=article_admin().has_change_permission(request, article),
    )


def compare(request, pk):
    """Two revisions side by side; `to=live` compares with the article as it is now."""
    article = story_or_404(request, pk)
    old, old_label = version(request, article, "from")
    new, new_label = version(request, article, "to")
    return revisions_page(
        request,
        "compare.html",
        article,
        f"Changes to “{article}”",
        old_label=old_label,
        new_label=new_label,
        changes=revisions.compare(old, new),
    )


def version(request, article, param):
    """The snapshot a compare parameter names: a revision number, 0 (empty) or "live"."""
    value = request.GET.get(param, "live")
    if value == "live":
        return revisions.snapshot(article), "the live article"
    number = whole_number(value, field=param)
    if number == 0:
        return {}, "nothing (before the first save)"
    try:
        revision = article.revisions.get(number=number)
    except Revision.DoesNotExist:
        raise Http404(f"No version {number} of this article.") from None
    return revision.snapshot, f"version {revision.number}"


def restore(request, pk, number):
    """GET shows what restoring would change; POST restores, as a new revision."""
    article = story_or_404(request, pk, to_change=True)
    revision = get_object_or_404(article.revisions, number=number)
    if request.method == "POST":
        restored = revisions.restore(revision, by=request.user)
        messages.success(
            request, f"Restored version {revision.number} as version {restored.number}."
        )
        return redirect("admin:articles_article_change", article.pk)
    return revisions_page(
        request,
        "restore.html",
        article,
        f"Restore version {revision.number} of “{article}”?",
        revision=revision,
        changes=revisions.restore_changes(revision),
    )


# Presence and preview links.


@require_POST
def heartbeat(request, pk):
    """The change form's heartbeat: still here; who else is?"""
    article = story_or_404(request, pk)
    return JsonResponse({"others": presence.touch(article, request.user)})


def share_preview(request, article):
    """Make a preview link to the story and tell the editor its address and lifetime."""
    if not request.user.has_perm("articles.add_previewlink"):
        raise PermissionDenied
    link = previews.create_link(article, by=request.user)
    messages.success(
        request,
        f"Preview link created, working until "
        f"{desk_time(link.expires_at)}: "
        f"{request.build_absolute_uri(link.get_absolute_url())}",
    )


def revoke_preview(request, article, link_pk):
    if not request.user.has_perm("articles.change_previewlink"):
        raise PermissionDenied
    previews.revoke(get_object_or_404(PreviewLink, pk=link_pk, article=article))
    messages.success(request, "Preview link revoked: it no longer works.")


# The change form's buttons save the form and then share or revoke (ArticleAdmin); these
# answer the same moves posted on their own.


@require_POST
def share(request, pk):
    article = story_or_404(request, pk)
    share_preview(request, article)
    return redirect("admin:articles_article_change", article.pk)


@require_POST
def revoke_share(request, pk, link_pk):
    article = story_or_404(request, pk)
    revoke_preview(request, article, link_pk)
    return redirect("admin:articles_article_change", article.pk)
