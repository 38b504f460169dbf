import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles import caching
from comments import readers
from comments.models import Comment
from comments.moderation import URL_RE, CommentForm

register = template.Library()

TRAILING_PUNCTUATION = ".,;:!?'\""


@register.inclusion_tag("comments/_block.html", takes_context=True)
def comment_block(context, article):
    """The comment area under an article: picks, threads in the reader's order, the form.

    The view makes the section (comments/threads.py, two queries). A page that is
    never shared (right after posting, with its message) also lists the reader's own held
    comments; shared pages get those from an uncached fetch (comments:awaiting_review).
    """
    request = context["request"]
    section = context["comment_section"]  # made by the view, which says when it closes
    is_private = caching.is_private(request)
    return {
        "section": section,
        "article": article,
        "is_open": section.is_open,
        "form": CommentForm(article=article, user=request.user),
        "request": request,
        "can_feature": request.user.has_perm("comments.feature_comment"),
        "posted_messages": [m for m in context.get("messages", ()) if "comment" in m.tags],
        "awaiting_review": (
            Comment.objects.awaiting_review_for(readers.reader_of(request)).filter(article=article)
            if is_private
            else []
        ),
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
