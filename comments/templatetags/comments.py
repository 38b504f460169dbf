import re

from django import template
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles import caching
from comments.models import Comment, CommentSettings
from comments.moderation import URL_RE, CommentForm

register = template.Library()

TRAILING_PUNCTUATION = ".,;:!?'\""


def comment_block(context, article):
    """What the comment area under an article shows (comments/_block.html): count, threads
    page by page, and the form.

    Two queries however many comments and replies: settings with the counts, and one for
    the page's threads together with their replies.
    """
    request = context["request"]
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
    if is_open:
        caching.changes_at(request, desk.closes_at(article))
    return {
        "article": article,
        "comment_count": desk.comment_total,
        "page": page,
        "threads": threads,
        "is_open": is_open,
        "form": CommentForm(article=article, user=request.user),
        "request": request,
    }


@register.filter
def comment_body(text):
    """A reader's plain text as HTML: paragraphs, line breaks, and bare URLs as links."""
    return _paragraphs(text, _linkify)


@register.filter
def highlighted(text, words):
    """A comment's text for moderators, with the words that matched a word list marked."""
    if not words:
        return _paragraphs(text, escape)
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)))

    def mark(line):
        parts, last = [], 0
        for match in pattern.finditer(line):
            parts += [escape(line[last : match.start()]), format_html("<mark>{}</mark>", match[0])]
            last = match.end()
        return "".join([*parts, escape(line[last:])])

    return _paragraphs(text, mark)


def _paragraphs(text, render_line):
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return mark_safe(
        "".join(
            "<p>" + "<br>".join(render_line(line) for line in paragraph.split("\n")) + "</p>"
            for paragraph in paragraphs
        )
    )


def _linkify(line):
    """Escape a line and link its http(s) URLs; the link text is always the URL itself."""
    parts, last = [], 0
    for match in URL_RE.finditer(line):
        url = match[0].rstrip(TRAILING_PUNCTUATION)
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        parts += [
            escape(line[last : match.start()]),
            format_html('<a href="{}" rel="nofollow ugc noopener">{}</a>', url, url),
        ]
        last = match.start() + len(url)
    return "".join([*parts, escape(line[last:])])


def render_comment_block(request, article):
    """The comment area as HTML, rendered by the view: its queries run before the page's
    template does."""
    context = comment_block({"request": request}, article)
    return render_to_string("comments/_block.html", context, request=request)
