import re

from django import template
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles import caching
from comments import readers
from comments.models import Comment
from comments.moderation import URL_RE, CommentForm

register = template.Library()

TRAILING_PUNCTUATION = ".,;:!?'\""


def render_comment_block(request, article, section):
    """The comment area under an article, as HTML for the article page (a Jinja2 template):
    picks, threads in the reader's order, the form.

    The view makes the section (comments/threads.py, two queries) and says when it closes.
    A page that is never shared (right after posting, with its message) also lists the
    reader's own held comments; shared pages get those from an uncached fetch
    (comments:awaiting_review).
    """
    is_private = caching.is_private(request)
    context = {
        "section": section,
        "article": article,
        "is_open": section.is_open,
        "form": CommentForm(article=article, user=request.user),
        "request": request,
        "can_feature": request.user.has_perm("comments.feature_comment"),
        "posted_messages": [m for m in get_messages(request) if "comment" in m.tags],
        "awaiting_review": (
            Comment.objects.awaiting_review_for(readers.reader_of(request)).filter(article=article)
            if is_private
            else []
        ),
    }
    return render_to_string("comments/_block.html", context, request=request)


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
