"""The comment area under an article, as the article page shows it."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q

from comments.models import Comment, CommentSettings
from comments.moderation import CommentForm


@dataclass
class Thread:
    """The count, one page of threads with their replies, and the form if still open."""

    comment_count: int
    page: Page
    threads: list
    is_open: bool
    form: CommentForm
    # When the thread closes by itself (auto-close days), if it is still open: the page
    # changes then with no write.
    closes_at: datetime | None


def thread_for(request, article):
    """The thread page the reader asked for (`?comments_page=`).

    Two queries however many comments and replies: settings with the counts, and one for
    the page's threads together with their replies.
    """
    desk = CommentSettings.load_with_counts(article)
    published = Comment.objects.published().filter(article=article)
    per_page = desk.threads_per_page
    all_threads = published.filter(parent=None).order_by("posted_at", "pk")
    paginator = Paginator(all_threads, per_page)
    paginator.count = desk.thread_total  # Already counted: no second COUNT query.
    page = paginator.get_page(request.GET.get("comments_page"))
    # Sliced by hand so that the query runs (and is counted) even when there are none.
    start = (page.number - 1) * per_page
    thread_ids = all_threads.values("pk")[start : start + per_page]
    threads, replies = [], {}
    for comment in published.filter(Q(pk__in=thread_ids) | Q(parent__in=thread_ids)).order_by(
        "posted_at", "pk"
    ):
        if comment.parent_id is None:
            threads.append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    for thread in threads:
        thread.thread_replies = replies.get(thread.pk, [])
    is_open = desk.is_thread_open(article)
    return Thread(
        comment_count=desk.comment_total,
        page=page,
        threads=threads,
        is_open=is_open,
        form=CommentForm(article=article, user=request.user),
        closes_at=desk.closes_at(article) if is_open else None,
    )
