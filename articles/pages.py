"""Page objects for reader pages: plain rows with their URLs and dates already made.

A view builds these before its template runs, so no query runs while a page renders and the
template only reads values. Teasers come from `values()` rows (no model instances), bylines
for every teaser of a page from one more query. URLs are made from prefixes reversed once
per process (`address`), not by `reverse()` per link; dates are formatted here, once.
"""

from datetime import datetime
from functools import cache

from django.db.models import prefetch_related_objects
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from taggit.models import TaggedItem

from articles import caching
from articles.models import Article, Byline, Correction, Source
from articles.rendering import with_pictures
from library.models import Image
from library.pictures import picture
from newsroom.jinja2 import render_partial
from newsroom.prepared import Param, ParamList, prepared

ARTICLE_TYPES = dict(Article.Type.choices)
TEASER_FIELDS = (
    "pk",
    "slug",
    "headline",
    "dek",
    "excerpt",
    "article_type",
    "published_at",
    "section_id",
    "section__name",
    "section__slug",
)
# The lead teaser's picture: the story's alt text, else the library image's.
LEAD_FIELDS = (
    "lead_image_id",
    "lead_image_alt",
    "lead_image__file",
    "lead_image__width",
    "lead_image__height",
    "lead_image__alt",
)


# Stands in for the one argument of a reader URL: it matches the slug and int converters.
_STAND_IN = "918273645"


@cache
def _around(name, script_prefix):
    # Every reader URL is `<before><slug or id><after>`: reversed once with a stand-in.
    before, after = reverse(name, args=[_STAND_IN]).split(_STAND_IN)
    return before, after


def address(name, value):
    """The URL of `name` (articles:article, :section, :tag, :author, comments:reply...) for
    its one argument, without a reverse() per link."""
    before, after = _around(name, get_script_prefix())
    return f"{before}{value}{after}"


def link_maker(name):
    """`address(name, value)` as a function of `value`: for the many links of one list."""
    before, after = _around(name, get_script_prefix())
    return lambda value: f"{before}{value}{after}"


@cache
def _month(number, style, language):
    # As Django's date format says it ("M": "Dec", "F": "December"), in the active language.
    return dateformat.format(datetime(2000, number, 1), style)


# The styles reader pages use, written out: Django's general formatter costs ~25 µs a date,
# and a page of comments shows hundreds.
STYLES = {
    "j M Y": lambda d, lang: f"{d.day} {_month(d.month, 'M', lang)} {d.year}",
    "j M Y, H:i": lambda d, lang: f"{d.day} {_month(d.month, 'M', lang)} {d.year}, {d:%H:%M}",
    "j M Y, H:i T": lambda d, lang: (
        f"{d.day} {_month(d.month, 'M', lang)} {d.year}, {d:%H:%M} {d.tzname() or ''}"
    ).rstrip(),
    "j F Y, H:i T": lambda d, lang: (
        f"{d.day} {_month(d.month, 'F', lang)} {d.year}, {d:%H:%M} {d.tzname() or ''}"
    ).rstrip(),
}


def shown_date(moment, style="j M Y"):
    """(datetime attribute, text) of a <time> element, in the newsroom's time zone, with
    Django's date format `style`."""
    if not moment:
        return None
    local = timezone.localtime(moment)
    text = STYLES[style](local, get_language()) if style in STYLES else None
    return {
        "iso": local.isoformat(timespec="seconds"),
        "text": text or dateformat.format(local, style),
    }


def section_row(name, slug):
    return {"name": name, "slug": slug, "url": address("articles:section", slug)} if slug else None


# Values of the prepared reader queries (newsroom/prepared.py).
NOW = Param("now", Article._meta.get_field("published_at"))
ARTICLE = Param("article", Article._meta.pk)


@prepared
def _bylines(count):
    return (
        Byline.objects.filter(article__in=ParamList("articles", Article._meta.pk, count))
        .order_by("article", "position", "pk")
        .values_list("article_id", "author_id", "author__name", "author__slug")
    )


def bylines_of(article_ids):
    """{article id: [{name, url}, ...]} in byline order, in one query."""
    bylines = {}
    for article_id, author_id, name, slug in _bylines(len(article_ids), articles=article_ids):
        bylines.setdefault(article_id, []).append(
            {"pk": author_id, "name": name, "url": address("articles:author", slug)}
        )
    return bylines


def rows(articles, *extra_fields):
    """The teaser fields (and `extra_fields`) of `articles`, as plain rows."""
    return list(teaser_values(articles, *extra_fields))


def teaser_values(articles, *extra_fields):
    """`articles` as a values() queryset of the teaser fields (and `extra_fields`)."""
    # Prefetches are for model instances; a list's queryset may carry them (search).
    return articles.prefetch_related(None).values(*TEASER_FIELDS, *extra_fields)


@prepared
def newest_per_section(count):
    """Teaser rows of `Article.objects.newest_per_section(count)` at `now`."""
    return teaser_values(Article.objects.newest_per_section(count, now=NOW))


def teasers(*row_lists):
    """Teasers for each list of rows (one list each), with one bylines query for all."""
    bylines = bylines_of([row["pk"] for row_list in row_lists for row in row_list])
    return [[teaser(row, bylines) for row in row_list] for row_list in row_lists]


def teaser(row, bylines):
    kind = row["article_type"]
    return row | {
        "url": address("articles:article", row["slug"]),
        "summary": row["excerpt"] or row["dek"],
        "type": None if kind == Article.Type.NEWS else ARTICLE_TYPES.get(kind, kind),
        "section": section_row(row["section__name"], row["section__slug"]),
        "bylines": bylines.get(row["pk"], []),
        "published": shown_date(row["published_at"]),
    }


def rendered(stories, *, level, show_dek=False, is_lead=False):
    """`stories` (teasers) with their HTML (`html`), each kept as a fragment under the
    teaser's own keys: a page renewed by one story's change re-renders only that teaser."""
    style = {"level": level, "show_dek": show_dek, "is_lead": is_lead}
    [shown] = rendered_blocks([(stories, style)])
    return shown


def rendered_blocks(blocks):
    """Each block's teasers with their HTML, as `rendered()` makes them, from one cache round
    trip for all of them: [(stories, {level, show_dek, is_lead})] -> [stories]."""

    def name(story, style):
        return f"teaser:{style['level']}:{style['show_dek']:d}{style['is_lead']:d}:{story['pk']}"

    def build(story, style):
        return lambda: (
            render_partial("includes/_teaser.html", {**style, "story": story}),
            teaser_keys([story]),
        )

    found = caching.fragments(
        {name(story, style): build(story, style) for stories, style in blocks for story in stories}
    )
    return [
        [story | {"html": mark_safe(found[name(story, style)][0])} for story in stories]
        for stories, style in blocks
    ]


def rendered_home(home):
    """The home page's context (frontpage/pages.home_page) with each teaser's HTML."""
    lead, rails = home["lead"], home["section_rails"]
    lead_style = {"level": 2, "show_dek": False, "is_lead": True}
    listed = {"level": 3, "show_dek": True, "is_lead": False}
    rail = {"level": 3, "show_dek": False, "is_lead": False}
    lead_block, top, latest, *rail_blocks = rendered_blocks(
        [
            ([lead] if lead else [], lead_style),
            (home["top_stories"], listed),
            (home["latest"], listed),
            *((stories, rail) for _, stories in rails),
        ]
    )
    return home | {
        "lead": lead_block[0] if lead_block else lead,
        "top_stories": top,
        "latest": latest,
        "section_rails": [
            (section, block) for (section, _), block in zip(rails, rail_blocks, strict=True)
        ],
    }


def teaser_keys(teasers):
    """The page keys (articles/caching.py) of a page showing these teasers (and the picture
    of those read with LEAD_FIELDS)."""
    return set().union(
        *(
            Article.teaser_keys(t["pk"], t["section_id"], [b["pk"] for b in t["bylines"]])
            for t in teasers
        ),
        {f"image:{t['lead_image_id']}" for t in teasers if t.get("lead_image_id")},
    )


def by_section(stories):
    """[(section, [teasers])] of stories ordered by section, in that order."""
    rails = {}
    for story in stories:
        rails.setdefault(story["section"]["slug"], (story["section"], []))[1].append(story)
    return list(rails.values())


def links(rows):
    """Headline links (URL, headline, section) of `link_values()` rows: related stories.
    Each carries its page keys (`keys`)."""
    return [
        {
            "pk": pk,
            "url": address("articles:article", slug),
            "headline": headline,
            "section": section_row(section_name, section_slug),
            "keys": Article.headline_keys(pk, section_id),
        }
        for pk, slug, headline, section_id, section_name, section_slug in rows
    ]


def link_values(articles):
    return articles.values_list(
        "pk", "slug", "headline", "section_id", "section__name", "section__slug"
    )


@prepared
def chosen_related(count):
    """`link_values()` of the first `count` stories an editor chose under the story, live at
    `now`, in the editor's order."""
    chosen = Article.objects.live_at(NOW).filter(chosen_under__article=ARTICLE)
    return link_values(chosen.order_by("chosen_under__position")[:count])


@prepared
def automatic_related(count, tags, chosen, has_section):
    """`link_values()` of the first `count` stories live at `now` related to the story
    (`Article.related_to()`: its `tags`, section, time `start`-`end`), but the `chosen` ones
    (lists' lengths and whether it has a section are the query's shape)."""
    moment = Article._meta.get_field("published_at")
    related = (
        Article.objects.live_at(NOW)
        .related_to(
            pk=ARTICLE,
            # A story without a section is related to others without one (IS NULL).
            section_id=Param("section", Article.section.field) if has_section else None,
            around=(Param("start", moment), Param("end", moment)),
            tag_ids=ParamList("tags", TaggedItem.tag.field, tags),
        )
        .exclude(pk__in=ParamList("chosen", Article._meta.pk, chosen))
    )
    return link_values(related[:count])


def related_links(article, *, tag_ids, count):
    """Links to the first `count` stories an editor chose under `article` that readers may
    see, in order; the automatic ones (sharing the most of `tag_ids`) fill the rest."""
    now = timezone.now()
    chosen = links(chosen_related(count, now=now, article=article.pk))
    chosen_ids = [link["pk"] for link in chosen]
    start, end = article.related_window()
    automatic = automatic_related(
        count - len(chosen),
        len(tag_ids),
        len(chosen_ids),
        article.section_id is not None,
        now=now,
        article=article.pk,
        section=article.section_id,
        start=start,
        end=end,
        tags=tag_ids,
        chosen=chosen_ids,
    )
    return chosen + links(automatic)


def with_lead_picture(story, **options):
    """The lead teaser with its picture (`library.pictures.picture` options), reading its
    renditions.

    Its row carries LEAD_FIELDS; the renditions are one query, and none without an image.
    """
    if story["lead_image_id"] is None:
        return story | {"picture": None}
    image = Image(
        pk=story["lead_image_id"],
        file=story["lead_image__file"],
        width=story["lead_image__width"],
        height=story["lead_image__height"],
    )
    prefetch_related_objects([image], "renditions")
    alt = story["lead_image_alt"] or story["lead_image__alt"]
    return story | {"picture": picture(image, crop="16:9", alt=alt, **options)}


def web_link(url):
    """The URL when it is an http(s) link, else "".

    Source URLs can arrive without form validation (the pipeline importer), and a stored
    javascript: or data: URL must never become a link.
    """
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return url if scheme in {"http", "https"} else ""


def shown_day(day):
    """(datetime attribute, text) of a <time> element for a calendar date."""
    return {"iso": day.isoformat(), "text": dateformat.format(day, "j M Y")} if day else None


@prepared
def _sources():
    fields = ("title", "publisher", "url", "published_on", "note")
    return Source.objects.filter(article=ARTICLE).values(*fields)


@prepared
def _tags():
    # The story's tags as taggit reads them (`article.tags`), unordered.
    story = {f"{TaggedItem.tag_relname()}__object_id": ARTICLE}
    return TaggedItem.tags_for(Article, **story).order_by().values_list("pk", "name", "slug")


@prepared
def _corrections():
    fields = ("pk", "kind", "text", "published_at")
    return Correction.objects.filter(article=ARTICLE).values(*fields)


def story_parts(article):
    """What the article page shows around the story, as plain rows: its bylines, sources,
    tags and corrections, one query each (as many as prefetching them, without building a
    model instance per row)."""
    kinds = dict(Correction.Kind.choices)
    return {
        "bylines": bylines_of([article.pk]).get(article.pk, []),
        "sources": _sources(article=article.pk),
        "tags": [
            {"pk": pk, "name": name, "url": address("articles:tag", slug)}
            for pk, name, slug in _tags(article=article.pk)
        ],
        "corrections": [
            row | {"label": kinds.get(row["kind"], row["kind"])}
            for row in _corrections(article=article.pk)
        ],
    }


def render_story(story, related):
    """The story (`story()`) and its related links as HTML: made once with the story's
    fragment, so that a page renewed by a comment renders only what is around it."""
    return render_partial("articles/_story.html", {"story": story, "related": related})


def story(article, parts):
    """The article page's own content, from an article loaded with `for_reading()` and its
    `story_parts()`."""
    kind = article.article_type
    section = article.section
    published = shown_date(article.published_at, "j F Y, H:i T")
    return {
        "pk": article.pk,
        "url": address("articles:article", article.slug),
        "headline": article.headline,
        "dek": article.dek,
        "type": None if kind == Article.Type.NEWS else ARTICLE_TYPES.get(kind, kind),
        "section": section and section_row(section.name, section.slug),
        "bylines": parts["bylines"],
        "published": published,  # None for a draft, in its preview
        "updated": article.was_updated and shown_date(article.updated_at, "j F Y, H:i T"),
        "picture": article.lead_image
        and picture(
            article.lead_image,
            crop="16:9",
            alt=article.lead_alt(),
            sizes="(min-width: 44rem) 42rem, 100vw",
            above_fold=True,
        ),
        "caption": article.lead_caption(),
        "credit": article.lead_credit(),
        "dateline": article.dateline,
        # Sanitised when rendered, its pictures filled in now (rendering.py).
        "body_html": mark_safe(with_pictures(article.body_html)),
        "corrections": [
            correction | {"published": shown_date(correction["published_at"], "j F Y, H:i T")}
            for correction in parts["corrections"]
        ],
        "sources": [
            {
                "link": web_link(source["url"]),
                "title": source["title"],
                "publisher": source["publisher"],
                "published": shown_day(source["published_on"]),
                "note": source["note"],
            }
            for source in parts["sources"]
        ],
        "tags": parts["tags"],
    }
