"""Article bodies: Markdown in, sanitised HTML out, and the plain text readers see.

Bodies come from reporters and from an automated pipeline, so the rendered HTML is
never trusted: nh3 keeps an allow-list of tags and attributes, only http, https and
mailto links survive, and every link gets a safe `rel`.

Pictures from the library go in on a line of their own:

    [[image 12]]                      the picture, as wide as the text
    [[image 12 inline]]               smaller, beside the text on wide screens
    [[image 12 full | The caption]]   wider than the text, with its own caption

Sizes are `inline`, `wide` (the default) and `full`; the caption is plain text and, when
left out, is the library's. The stored HTML keeps a placeholder per picture (made after
sanitising, so a body cannot forge one); `with_pictures()` turns them into <figure>s at
page time, so a picture's words and renditions are always the library's current ones.
"""

import re
import uuid
from html.parser import HTMLParser

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from library.models import Rendition
from library.pictures import picture

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


PICTURE_SIZES = {
    "inline": "(min-width: 44rem) 20rem, 100vw",
    "wide": "(min-width: 44rem) 42rem, 100vw",
    "full": "(min-width: 64rem) 64rem, 100vw",
}
SHORTCODE = re.compile(
    r"^[ ]{0,3}\[\[image[ ]+(?P<pk>\d{1,12})(?:[ ]+(?P<size>inline|wide|full))?[ ]*"
    r"(?:\|(?P<caption>[^\n]*?))?[ ]*\]\][ ]*$",
    re.MULTILINE,
)
PLACEHOLDER = re.compile(
    r'<figure data-image="(?P<pk>\d+)" data-size="(?P<size>\w+)">'
    r"(?:<figcaption>(?P<caption>.*?)</figcaption>)?</figure>"
)


def render_markdown(text):
    """Render Markdown to HTML that is safe to show readers, pictures as placeholders."""
    token = uuid.uuid4().hex
    shortcodes = []

    def set_aside(match):
        shortcodes.append(match)
        return f"\n\n{token}{len(shortcodes) - 1}x\n\n"

    text = SHORTCODE.sub(set_aside, text or "")
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )
    if not shortcodes:
        return html
    return re.sub(
        rf"<p>{token}(\d+)x</p>", lambda found: _placeholder(shortcodes[int(found[1])]), html
    )


def _placeholder(shortcode):
    caption = (shortcode["caption"] or "").strip()
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    size = shortcode["size"] or "wide"
    return f'<figure data-image="{int(shortcode["pk"])}" data-size="{size}">{figcaption}</figure>'


def picture_ids(html):
    """The library images a rendered body shows, by id, in order."""
    return [int(found["pk"]) for found in PLACEHOLDER.finditer(html or "")]


def with_pictures(html):
    """Rendered body HTML with its pictures as <figure><picture>, in two queries (the images,
    their renditions) whatever their number, and none without pictures.

    A picture that is not in the library (a wrong or deleted id), or whose file is gone from
    storage before its renditions were made, is left out: the story reads on without it.
    """
    from library.models import Image

    ids = picture_ids(html)
    if not ids:
        return html
    images = Image.objects.with_renditions().in_bulk(ids)
    return PLACEHOLDER.sub(lambda found: _figure(found, images.get(int(found["pk"]))), html)


def _figure(placeholder, image):
    if image is None or not (image.renditions.all() or image.file.storage.exists(image.file.name)):
        return ""
    size = placeholder["size"]
    shown = picture(image, crop=Rendition.Crop.ORIGINAL, alt=image.alt, sizes=PICTURE_SIZES[size])
    # The placeholder's caption was escaped when the body was rendered.
    caption = mark_safe(placeholder["caption"]) if placeholder["caption"] else image.caption
    return render_to_string(
        "includes/_body_picture.html",
        {"picture": shown, "size": size, "caption": caption, "credit": image.credit},
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
