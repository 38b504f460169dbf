"""Tiny builders: each makes one valid row and takes overrides for what a test cares about."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, Author, Byline, Correction, Section, Source

_serial = count(1)


def make_section(**overrides):
    n = next(_serial)
    fields = {"name": f"Section {n}", "slug": f"section-{n}"}
    fields.update(overrides)
    return Section.objects.create(**fields)


def make_author(**overrides):
    n = next(_serial)
    fields = {"name": f"Reporter {n}", "slug": f"reporter-{n}"}
    fields.update(overrides)
    return Author.objects.create(**fields)


def make_article(*, authors=None, sources=1, tags=(), **overrides):
    """A published article with a section, one byline and one source unless told otherwise."""
    n = next(_serial)
    fields = {
        "headline": f"Headline number {n}",
        "dek": f"The dek of story {n}.",
        "body": f"The body of story {n}.\n\nA second paragraph.",
        "excerpt": f"Excerpt {n}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(overrides)
    if "section" not in fields:
        fields["section"] = make_section()
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("first_published_at", fields["published_at"])
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors if authors is not None else [make_author()]):
        Byline.objects.create(article=article, author=author, position=position)
    for position in range(sources):
        Source.objects.create(
            article=article,
            title=f"Source {position + 1} for story {n}",
            publisher="Example Wire",
            url=f"https://example.org/{n}/{position}",
            position=position,
        )
    if tags:
        article.tags.add(*tags)
    return article


def make_draft(**overrides):
    overrides.setdefault("status", Article.Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_article(**overrides)


def make_staff(role=None, *, byline=False, **overrides):
    """A staff account in one of the role groups (Reporter, Editor, Moderator), or none."""
    from django.contrib.auth.models import Group, User

    n = next(_serial)
    fields = {"username": f"staff{n}", "is_staff": True}
    fields.update(overrides)
    user = User.objects.create_user(**fields)
    if role:
        if not Group.objects.filter(name=role).exists():
            # A transactional test (the browser tests) flushed the groups the migration made.
            from articles.roles import sync_role_groups

            sync_role_groups()
        user.groups.add(Group.objects.get(name=role))
    if byline:
        make_author(name=f"Byline of {user.username}", user=user)
    return user


def make_comment(*, article=None, **overrides):
    """A published reader comment, stored as the pipeline would have let it through."""
    from comments.models import Comment

    n = next(_serial)
    fields = {
        "name": f"Reader {n}",
        "email": f"reader{n}@example.org",
        "body": f"Comment number {n}.",
        "ip_network": "198.51.100.0/24",
        "status": Comment.Status.PUBLISHED,
        "rule": "passed",
    }
    fields.update(overrides)
    parent = fields.pop("parent", None)
    comment = Comment(article=article or (parent.article if parent else make_article()), **fields)
    comment.place_under(parent)
    comment.save()
    return comment


def make_correction(article, **overrides):
    fields = {"kind": Correction.Kind.CORRECTION, "text": "An earlier version misspelt a name."}
    fields.update(overrides)
    return Correction.objects.create(article=article, **fields)


def make_image(**overrides):
    """A library picture (a real little JPEG) with alt text and a credit."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    from library.models import Image

    n = next(_serial)
    width, height = overrides.pop("size", (64, 48))
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 90, 160)).save(buffer, "JPEG")
    fields = {
        "file": ContentFile(buffer.getvalue(), name=f"picture-{n}.jpg"),
        "title": f"Picture {n}",
        "alt": f"What picture {n} shows",
        "credit": f"Photo: Photographer {n}",
    }
    fields.update(overrides)
    return Image.objects.create(**fields)
