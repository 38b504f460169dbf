import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from comments.moderation import URL_RE

register = template.Library()

TRAILING_PUNCTUATION = ".,;:!?'\""


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
