"""Article bodies: Markdown in, sanitised HTML out, and the plain text readers see.

Bodies come from reporters and from an automated pipeline, so the rendered HTML is
never trusted: nh3 keeps an allow-list of tags and attributes, only http, https and
mailto links survive, and every link gets a safe `rel`.
"""

import re
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Tags that sit inside a line of text; every other allowed tag starts a new line.
INLINE_TAGS = {"strong", "em", "b", "i", "code", "a", "sup", "sub"}
# Control characters but tab and line breaks: no reader sees them, and search uses two of
# them to mark the matched words in a snippet.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render_markdown(text):
    """Render Markdown to HTML that is safe to show readers."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in INLINE_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html):
    """The words a reader sees in rendered body HTML: one line per block, no markup.

    Entities are decoded (the text is raw, to be escaped wherever it is shown), and link
    addresses, which readers do not see, are left out.
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = CONTROL_CHARACTERS.sub("", "".join(collector.parts))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# An adult reads news at about this many words a minute; the editor shows the reading time.
WORDS_PER_MINUTE = 230


def body_statistics(text):
    """The words a reader gets from rendered HTML, counted, and the minutes they take to read."""
    words = len(plain_text(text).split())
    return {"words": words, "minutes": -(-words // WORDS_PER_MINUTE)}
