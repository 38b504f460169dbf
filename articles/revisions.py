"""Revisions: what an article said after each save, how two versions differ, and going back.

Every save from the desk calls `record()`. A snapshot is plain JSON (editorial fields,
section, bylines, sources, tags), so old revisions stay readable after the people, sections
and sources they mention have changed. `compare()` turns two snapshots into a field-by-field,
paragraph-then-word diff that a reviewer reads in one screen; `restore()` writes an old
snapshot back and records that as a new revision, so history only ever grows.
"""

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles.desk import desk_time
from articles.models import Article, Author, Byline, ModerationMode, Revision, Section, Source
from library.models import Image

# Restored by restore(): the words, the placement and the lead image.
RESTORED_FIELDS = [
    "headline",
    "slug",
    "dek",
    "body",
    "excerpt",
    "dateline",
    "article_type",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "is_commenting_open",
    "moderation_mode",
]
# Kept and compared but never restored: only the workflow moves an article's state.
PUBLICATION_FIELDS = ["status", "published_at", "unpublish_at"]

LABELS = {
    "section": "Section",
    "bylines": "Bylines",
    "sources": "Sources",
    "tags": "Tags",
    "lead_image": "Lead image",
}
CHOICES = {
    "article_type": dict(Article.Type.choices),
    "status": dict(Article.Status.choices),
    "moderation_mode": dict(ModerationMode.choices),
}
# Below this share of words in common a paragraph reads better as rewritten than as a patchwork.
REWRITE_RATIO = 0.5
# Unchanged paragraphs kept around a change so the reader sees where it is.
CONTEXT_PARAGRAPHS = 1


def snapshot(article):
    """The article as a revision keeps it: JSON-ready, with names beside ids."""
    data = {name: getattr(article, name) for name in RESTORED_FIELDS + PUBLICATION_FIELDS}
    data["lead_image"] = article.lead_image_id  # a library image's id (None: no picture)
    section = article.section
    data["section"] = {"id": section.pk, "name": section.name} if section else None
    data["bylines"] = [
        {"author": byline.author_id, "name": byline.author.name}
        for byline in article.bylines.select_related("author")
    ]
    data["sources"] = [
        {
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "published_on": source.published_on,
            "note": source.note,
        }
        for source in article.sources.all()
    ]
    data["tags"] = sorted(article.tags.names())
    # Round-trip through JSON so that a fresh snapshot compares equal to a stored one.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(article, by, *, summary="", origin=""):
    """Keep what the article says now as its next revision, by `by` (a user or None, with
    `origin` saying where a version no one saved came from).

    Callers hold the article's row lock (the admin's save does), so numbers never collide.
    """
    return Revision.objects.create(
        article=article,
        number=latest_number(article) + 1,
        created_by=by,
        summary=summary,
        origin=origin,
        snapshot=snapshot(article),
    )


def latest_number(article):
    """The number of the article's newest revision; 0 before its first."""
    return article.revisions.order_by("-number").values_list("number", flat=True).first() or 0


@transaction.atomic
def restore(revision, *, by):
    """Write an old revision's words and placement back; the result is a new revision.

    The article's state and publication times stay as they are: restoring never publishes or
    unpublishes. Bylines whose author has since been deleted, an image file that is gone and
    a slug another article has taken are left out rather than failing.
    """
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    data = revision.snapshot
    kept = set()
    if data["lead_image"] and not Image.objects.filter(pk=data["lead_image"]).exists():
        kept.add("lead_image")
    if Article.objects.filter(slug=data["slug"]).exclude(pk=article.pk).exists():
        kept.add("slug")
    for name in RESTORED_FIELDS:
        if name not in kept:
            setattr(article, f"{name}_id" if name == "lead_image" else name, data[name])
    section_id = data["section"]["id"] if data["section"] else None
    article.section = Section.objects.filter(pk=section_id).first() if section_id else None
    article.save()

    article.tags.set(data["tags"])
    authors = Author.objects.in_bulk([byline["author"] for byline in data["bylines"]])
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author=authors[byline["author"]], position=position)
        for position, byline in enumerate(data["bylines"])
        if byline["author"] in authors
    )
    article.sources.all().delete()
    Source.objects.bulk_create(
        Source(article=article, position=position, **source)
        for position, source in enumerate(data["sources"])
    )
    return record(article, by, summary=f"Restored version {revision.number}")


def restore_changes(revision):
    """What restoring `revision` would change: its words, placement and rows, never the state."""
    article = revision.article
    return compare(snapshot(article), revision.snapshot, fields=RESTORED_FIELDS + RELATED)


@dataclass
class FieldChange:
    label: str
    paragraphs: list  # of (kind, html): kind is "same", "removed", "added", "changed" or "gap"


# Kept beside the fields: the placement and the story's rows.
RELATED = ["section", "bylines", "sources", "tags"]


def compare(old, new, *, fields=RESTORED_FIELDS + PUBLICATION_FIELDS + RELATED):
    """The fields that differ between two snapshots, each as a readable diff."""
    changes = []
    for name in fields:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        diff = diff_text(as_text(name, before), as_text(name, after))
        # Line endings and sub-minute times differ without a reader-visible change.
        if any(kind not in ("same", "gap") for kind, _ in diff):
            changes.append(FieldChange(label(name), diff))
    return changes


def label(name):
    if name in LABELS:
        return LABELS[name]
    return str(Article._meta.get_field(name).verbose_name).capitalize()


def as_text(name, value):
    """A snapshot value as the words a reviewer reads; list items become paragraphs."""
    if value is None or value == "":
        return ""
    if name == "section":
        return value["name"]
    if name == "bylines":
        return "\n\n".join(byline["name"] for byline in value)
    if name == "tags":
        return "\n\n".join(value)
    if name == "sources":
        return "\n\n".join(
            " · ".join(part for part in (s["title"], s["publisher"], s["url"], s["note"]) if part)
            for s in value
        )
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    if name in ("published_at", "unpublish_at"):
        return desk_time(parse_datetime(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def paragraphs(text):
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def diff_text(old, new):
    """Paragraphs first, then words inside a changed paragraph; long unchanged runs folded."""
    old_paragraphs, new_paragraphs = paragraphs(old), paragraphs(new)
    matcher = SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    result = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = old_paragraphs[i1:i2], new_paragraphs[j1:j2]
        if op == "equal":
            result += [("same", escape(p)) for p in before]
            continue
        # A replaced block pairs its paragraphs up; the leftovers were removed or added.
        for old_paragraph, new_paragraph in zip(before, after, strict=False):
            result.append(("changed", diff_words(old_paragraph, new_paragraph)))
        result += [("removed", format_html("<del>{}</del>", p)) for p in before[len(after) :]]
        result += [("added", format_html("<ins>{}</ins>", p)) for p in after[len(before) :]]
    return fold_unchanged(result)


def diff_words(old, new):
    """One paragraph with removed words struck through and added words marked."""
    # Each word keeps its trailing space, so a run of changed words reads as one phrase.
    old_words, new_words = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.ratio() < REWRITE_RATIO:
        return format_html("<del>{}</del> <ins>{}</ins>", old, new)
    pieces = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(escape("".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(format_html("<del>{}</del>", "".join(old_words[i1:i2])))
        if j2 > j1:
            pieces.append(format_html("<ins>{}</ins>", "".join(new_words[j1:j2])))
    return mark_safe("".join(pieces))  # Every piece was escaped above.


def fold_unchanged(result):
    """Keep CONTEXT_PARAGRAPHS unchanged paragraphs beside each change; fold the rest."""
    changed = [i for i, (kind, _) in enumerate(result) if kind != "same"]
    near_change = {
        i for c in changed for i in range(c - CONTEXT_PARAGRAPHS, c + CONTEXT_PARAGRAPHS + 1)
    }
    folded, hidden = [], 0
    for i, (kind, html) in enumerate(result):
        if kind == "same" and i not in near_change:
            hidden += 1
            continue
        if hidden:
            folded.append(("gap", f"{hidden} unchanged paragraph{'s' if hidden > 1 else ''}"))
            hidden = 0
        folded.append((kind, html))
    if hidden:
        folded.append(("gap", f"{hidden} unchanged paragraph{'s' if hidden > 1 else ''}"))
    return folded
