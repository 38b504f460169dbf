"""The comment area under an article as a page object (templates/jinja2/comments/).

Built by the article view before its template runs: comments are plain rows whose body HTML,
date and links are made here once. Two queries however many comments and replies: the
settings with the counts, and the page's threads together with their replies.
"""

from django.core.paginator import Paginator
from django.db.models import Q
from django.template.loader import render_to_string

from articles import caching
from articles.pages import address, shown_date
from comments.models import Comment, CommentSettings
from comments.moderation import CommentForm
from comments.templatetags.comments import comment_body

COMMENT_FIELDS = ("pk", "parent_id", "name", "is_by_staff", "body", "posted_at")


def comment_area(request, article):
    """Count, the threads of the page the reader asked for (`comments_page`), and the form."""
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
    is_open = desk.is_thread_open(article)
    threads, replies = [], {}
    rows = (
        published.filter(Q(pk__in=thread_ids) | Q(parent__in=thread_ids))
        .order_by("posted_at", "pk")
        .values(*COMMENT_FIELDS)
    )
    for row in rows:
        comment = shown(row, can_reply=is_open and row["parent_id"] is None)
        if row["parent_id"] is None:
            threads.append(comment)
        else:
            replies.setdefault(row["parent_id"], []).append(comment)
    for thread in threads:
        thread["replies"] = replies.get(thread["pk"], [])
    if is_open:
        caching.changes_at(request, desk.closes_at(article))
    form = CommentForm(article=article, user=request.user) if is_open else None
    return {
        "comment_count": desk.comment_total,
        "page": page,
        "threads": threads,
        "is_open": is_open,
        # The form is shared with the comment pages (Django templates): rendered once here.
        "form_html": form and render_to_string("comments/_form.html", {"form": form}, request),
    }


def shown(row, *, can_reply):
    """One comment as the page shows it."""
    return {
        "pk": row["pk"],
        "name": row["name"],
        "is_by_staff": row["is_by_staff"],
        "posted": shown_date(row["posted_at"], "j M Y, H:i"),
        "body_html": comment_body(row["body"]),
        "reply_url": can_reply and address("comments:reply", row["pk"]),
        "report_url": address("comments:report", row["pk"]),
    }
