"""Article bodies: Markdown in, sanitised HTML out.

Bodies come from reporters and from an automated pipeline, so the rendered HTML is
never trusted: nh3 keeps an allow-list of tags and attributes, only http, https and
mailto links survive, and every link gets a safe `rel`.
"""

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
