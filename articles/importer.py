"""Pipeline drafts: parse the automated writing pipeline's files and file them as articles.

Two formats arrive. The text format (``.txt``) is a headline paragraph, a dek paragraph
and a Markdown body; a line that is exactly ``---`` ends the body, and after it come a
``Sources:`` list and/or one JSON object of metadata (excerpt, suggestedSection,
suggestedTags, imagePrompt, optionally sources). The JSON format (``.json``) is one object
with ``title``, ``dek``, ``body``, ``sources`` and the same metadata keys.

Parsing never touches the database; `import_draft_file()` parses and saves one file in its
own transaction, so a bad file writes nothing and never stops the others.
`set_arrival_status()` alone decides the status an imported article arrives in.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles import workflow
from articles.models import Article, Byline, EditorialAction, Section, Source

DRAFT_SUFFIXES = (".txt", ".json")

# The pipeline's preview page ends with its empty comments box; it is not part of the story.
PAGE_CHROME = "No comments yet"

BODY_END = "---"
URL_RE = re.compile(r"https?://[^\s<>\"'\]]+")
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$", re.DOTALL)
EMPHASIS_RE = re.compile(r"^(\*\*|__|\*|_)(.+)\1$", re.DOTALL)
EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|<\s*>")
LIST_ITEM_RE = re.compile(r"^[-*+]\s+(.*)$")
# Punctuation that joins a source's publisher, title and URL on one line.
SEPARATORS = (" — ", " – ", " - ", ": ")
QUOTES = "\"'“”‘’«»"


class DraftError(ValueError):
    """A draft file the importer cannot use; the message says what is wrong with it."""


@dataclass
class DraftSource:
    title: str
    publisher: str = ""
    url: str = ""


@dataclass
class Draft:
    """One parsed pipeline draft, before it touches the database."""

    headline: str
    dek: str = ""
    body: str = ""
    excerpt: str = ""
    section_slug: str = ""
    tags: list = field(default_factory=list)
    image_prompt: str = ""
    sources: list = field(default_factory=list)

    @property
    def fingerprint(self):
        """Identify the story by its content, so re-importing it never makes a second article."""
        content = {
            "headline": self.headline,
            "dek": self.dek,
            "body": self.body,
            "sources": [[s.title, s.publisher, s.url] for s in self.sources],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass
class ImportOutcome:
    """What happened to one file: `error` is set on failure; a dry run's article was rolled back."""

    path: Path
    article: Article | None = None
    is_new: bool = False
    notes: list = field(default_factory=list)
    error: str = ""


# Reading and parsing --------------------------------------------------------------------


def find_draft_files(paths):
    """Expand files and directories into the draft files to import, directories sorted."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in DRAFT_SUFFIXES
                    and not p.name.startswith(".")
                )
            )
        else:
            found.append(path)
    return found


def parse_draft_file(path):
    """Read one draft file and parse it by its suffix; raise DraftError when it is unusable."""
    path = Path(path)
    if path.suffix.lower() not in DRAFT_SUFFIXES:
        raise DraftError(f"not a pipeline draft: expected a .txt or .json file, got {path.name!r}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DraftError(f"cannot be read ({error.strerror or error})") from error
    text = decode(data)
    if path.suffix.lower() == ".json":
        return parse_json_draft(text)
    return parse_text_draft(text)


def decode(data):
    """Decode UTF-8 (with or without a byte-order mark) and normalise line endings."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DraftError(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line})"
        ) from error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DraftError("is empty")
    return text


def parse_text_draft(text):
    """Parse the pipeline's text format (see the module docstring)."""
    text = drop_page_chrome(text)
    lines = text.split("\n")
    end, tail = find_body_end(lines)
    paragraphs = split_paragraphs("\n".join(lines[:end]))
    headline = one_line(HEADING_RE.sub(r"\1", paragraphs[0])) if paragraphs else ""
    if not headline:
        raise DraftError("has no headline: its first paragraph should be the headline")
    dek = one_line(paragraphs[1]) if len(paragraphs) > 1 else ""
    sources, metadata = parse_tail(lines[tail:], first_line=tail + 1)
    draft = Draft(
        headline=headline,
        dek=dek,
        body=drop_repeats("\n\n".join(paragraphs[2:]), headline, dek),
        sources=sources,
    )
    apply_metadata(draft, metadata)
    return check(draft)


def parse_json_draft(text):
    """Parse the pipeline's JSON format: one object with a title, dek, body and metadata."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DraftError(f"is broken JSON: {error.msg} (line {error.lineno})") from error
    if not isinstance(data, dict):
        raise DraftError(f"is not a JSON object but {json_type(data)}")
    headline = one_line(string_field(data, "title"))
    if not headline:
        raise DraftError('has no headline: the "title" field is missing or empty')
    dek = one_line(string_field(data, "dek"))
    body = drop_repeats(drop_page_chrome(string_field(data, "body")).strip(), headline, dek)
    draft = Draft(headline=headline, dek=dek, body=body)
    apply_metadata(draft, data)
    return check(draft)


def find_body_end(lines):
    """Return where the body ends and where the sources and metadata start.

    The pipeline ends the body with a `---` line. Without one, a `Sources:` line or a
    metadata object that closes the file still ends it, so that metadata never reaches
    readers.
    """
    for i, line in enumerate(lines):
        if line.strip() == BODY_END:
            return i, i + 1
    for i, line in enumerate(lines):
        if line.strip().lower() == "sources:":
            return i, i
    for i, line in enumerate(lines):
        if line.startswith("{") and is_json_object("\n".join(lines[i:])):
            return i, i
    return len(lines), len(lines)


def is_json_object(text):
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def parse_tail(lines, *, first_line):
    """Parse what follows the body: a `Sources:` list and/or one JSON metadata object."""
    sources, metadata = [], None
    items = []  # Source list items, continuation lines already joined.
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        number = first_line + i
        if not line or line.rstrip(":").lower() == "sources":
            i += 1
        elif line.startswith("{"):
            if metadata is not None:
                raise DraftError(f"has a second metadata JSON object on line {number}")
            rest = "\n".join(lines[i:]).lstrip()
            try:
                metadata, length = json.JSONDecoder().raw_decode(rest)
            except json.JSONDecodeError as error:
                raise DraftError(
                    f"has broken metadata JSON: {error.msg} (line {number + error.lineno - 1})"
                ) from error
            i += rest[:length].count("\n") + 1
        elif match := LIST_ITEM_RE.match(line):
            items.append((number, match[1]))
            i += 1
        elif items and lines[i][:1].isspace():
            number, item = items[-1]
            items[-1] = (number, f"{item} {line}")
            i += 1
        else:
            raise DraftError(
                f"has unexpected text after the body on line {number}: {shorten(line)!r} "
                "(expected a `- ` source item or the metadata JSON)"
            )
    for number, item in items:
        sources.append(parse_source_item(item, number))
    return sources, metadata or {}


def parse_source_item(item, number):
    """Read `Publisher — "Title" — URL`, `Publisher: Title URL` or `[Title](URL)`."""
    if link := MARKDOWN_LINK_RE.search(item):
        publisher = strip_separators(item[: link.start()] + " " + item[link.end() :])
        return DraftSource(title=link[1].strip(), publisher=publisher, url=link[2])
    urls = URL_RE.findall(item)
    if len(urls) > 1:
        raise DraftError(f"has a source on line {number} with {len(urls)} URLs; give it one")
    url = trim_url(urls[0]) if urls else ""
    # Remove the URL as matched, with any sentence punctuation stuck to it.
    text = strip_separators(EMPTY_BRACKETS_RE.sub(" ", item.replace(urls[0], " ")) if url else item)
    publisher, title = "", text
    for separator in SEPARATORS:
        if separator in text:
            publisher, title = (part.strip() for part in text.split(separator, 1))
            break
    if is_quoted(publisher) and not is_quoted(title):
        publisher, title = title, publisher  # `"Title" — Publisher`
    title = title.strip(QUOTES).strip()
    if not title:
        title, publisher = publisher or url, ""
    if not title:
        raise DraftError(f"has an empty source item on line {number}")
    return DraftSource(title=title, publisher=publisher, url=url)


def apply_metadata(draft, metadata):
    """Copy the pipeline's metadata keys onto the draft, checking each one's type."""
    draft.excerpt = one_line(string_field(metadata, "excerpt"))
    draft.section_slug = slugify(string_field(metadata, "suggestedSection"))
    draft.image_prompt = string_field(metadata, "imagePrompt").strip()
    tags = metadata.get("suggestedTags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise DraftError('has a "suggestedTags" field that is not a list of strings')
    draft.tags = list(dict.fromkeys(slug for slug in (slugify(t)[:100] for t in tags) if slug))
    listed = metadata.get("sources") or []
    if not isinstance(listed, list):
        raise DraftError('has a "sources" field that is not a list')
    for n, source in enumerate(listed, start=1):
        if not isinstance(source, dict):
            raise DraftError(f'has source {n} in "sources" that is not an object')
        fields = {key: one_line(string_field(source, key)) for key in ("title", "publisher", "url")}
        if not fields["title"] and not fields["url"]:
            raise DraftError(f'has source {n} in "sources" with neither a title nor a url')
        fields["title"] = fields["title"] or fields["url"]
        if fields["url"] not in {s.url for s in draft.sources if s.url}:
            draft.sources.append(DraftSource(**fields))


def check(draft):
    """Refuse drafts that would make an empty story."""
    if not draft.body.strip():
        raise DraftError("has no body: nothing follows the headline and dek")
    return draft


# Small text helpers ---------------------------------------------------------------------


def drop_page_chrome(text):
    """Drop the pipeline preview's trailing "No comments yet" line."""
    lines = text.rstrip().split("\n")
    if lines[-1].strip() == PAGE_CHROME:
        lines.pop()
    return "\n".join(lines)


def split_paragraphs(text):
    return [p for p in re.split(r"\n(?:[ \t]*\n)+", text.strip("\n")) if p.strip()]


def drop_repeats(body, headline, dek):
    """Drop the headline (plain or as a heading) and the dek (plain or in emphasis) that the
    pipeline repeats at the top of the body, so readers never see them twice."""
    paragraphs = split_paragraphs(body)
    if paragraphs and same_text(HEADING_RE.sub(r"\1", paragraphs[0]), headline):
        paragraphs.pop(0)
    if paragraphs and dek and same_text(EMPHASIS_RE.sub(r"\2", paragraphs[0].strip()), dek):
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def same_text(a, b):
    return one_line(a).casefold() == one_line(b).casefold()


def one_line(text):
    return " ".join(text.split())


def trim_url(url):
    """Drop sentence punctuation after a URL, and a closing bracket that is not the URL's."""
    url = url.rstrip(".,;:")
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def is_quoted(text):
    return len(text) > 1 and text[0] in QUOTES and text[-1] in QUOTES


def strip_separators(text):
    return text.strip(" \t—–-:|,;(").strip()


def shorten(text, width=60):
    return text if len(text) <= width else text[: width - 1] + "…"


def string_field(data, key):
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DraftError(f'has a "{key}" field that is {json_type(value)}, not text')
    return value


def json_type(value):
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


# Saving ---------------------------------------------------------------------------------


def import_draft_file(path, *, authors=(), publish=False, dry_run=False):
    """Parse one draft file and file it as an article with these bylines, all or nothing.

    A dry run goes through every step, publish checks included, then rolls it all back.
    """
    outcome = ImportOutcome(path=Path(path))
    try:
        draft = parse_draft_file(path)
        with transaction.atomic():
            outcome.article = Article.objects.filter(fingerprint=draft.fingerprint).first()
            if outcome.article is None:
                outcome.article, outcome.notes = save_draft(draft, authors=authors)
                outcome.is_new = True
                set_arrival_status(outcome.article, publish=publish)
            if dry_run:
                transaction.set_rollback(True)
    except DraftError as error:
        outcome.article, outcome.is_new = None, False
        outcome.error = str(error)
    except IntegrityError as error:
        # Most likely another import filed the same draft between our check and our insert.
        outcome.article, outcome.is_new = None, False
        outcome.error = f"could not be saved ({error}); import it again to retry"
    return outcome


def save_draft(draft, *, authors):
    """Save the draft as an article with its sources, tags and bylines, still a draft.

    Returns the article and notes telling the editor what the importer could not fill in.
    """
    notes = []
    section = Section.objects.filter(slug=draft.section_slug).first()
    if section is None:
        notes.append(
            f"unknown section {draft.section_slug!r} left empty"
            if draft.section_slug
            else "no section suggested"
        )
    article = Article(
        headline=draft.headline,
        dek=draft.dek,
        body=draft.body,
        excerpt=draft.excerpt,
        section=section,
        image_prompt=draft.image_prompt,
        fingerprint=draft.fingerprint,
        status=Article.Status.DRAFT,
    )
    validate(article, exclude=["slug"])
    sources = [
        Source(title=s.title, publisher=s.publisher, url=s.url, position=n)
        for n, s in enumerate(draft.sources)
    ]
    for source in sources:
        validate(source, exclude=["article"], label=f"source {source.position + 1} ")
    article.save()
    for source in sources:
        source.article = article
    Source.objects.bulk_create(sources)
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=n) for n, author in enumerate(authors)
    )
    if draft.tags:
        article.tags.add(*draft.tags)
    return article, notes


def set_arrival_status(article, *, publish):
    """Move a freshly saved draft through the desk's workflow: to review, or on to publication.

    The one place that decides the status an imported article arrives in. The importer is
    the system actor of the editorial workflow: its moves are logged like anyone's, and a
    draft it publishes must pass the same publish checks.
    """
    workflow.move(
        article, by=None, action=EditorialAction.SUBMIT, note="Filed by the pipeline importer."
    )
    if not publish:
        return
    try:
        workflow.move(article, by=None, action=EditorialAction.APPROVE)
        workflow.move(article, by=None, action=EditorialAction.PUBLISH)
    except workflow.TransitionRefused as refused:
        missing = ", ".join(refused.problems) or str(refused)
        raise DraftError(
            f"cannot be published without {missing}; import it for review instead"
        ) from refused


def validate(instance, *, exclude=(), label=""):
    """Run the model's own validation and turn its errors into one line naming the field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{label}{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise DraftError(f"has an invalid {problems}") from error
