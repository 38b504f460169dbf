"""The headings stories are listed under (sections, tags, authors), as readers may open them.

A section is part of the masthead and opens whether or not it has a story yet. A tag or an
author exists for readers only once a published story carries it: its page, its feeds and
its sitemap entry would otherwise name someone or something known only from unpublished work.
"""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from articles.models import Article, Author, Section

# Each heading's model and the lookup from a story to it.
HEADINGS = {
    "section": (Section, "section"),
    "tag": (Tag, "tags"),
    "author": (Author, "bylines__author"),
}


def with_published_stories(scope):
    """The headings of `scope` that carry a published story."""
    model, lookup = HEADINGS[scope]
    published = Article.objects.published().filter(**{lookup: OuterRef("pk")})
    return model.objects.filter(Exists(published))


def heading_or_404(scope, slug):
    """The heading at `slug` as readers may open it: any section; a tag or an author once a
    published story carries it."""
    model, _lookup = HEADINGS[scope]
    headings = model.objects.all() if scope == "section" else with_published_stories(scope)
    return get_object_or_404(headings, slug=slug)
