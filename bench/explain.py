"""Show how the database reads every list the site shows, and write it into BENCHMARKS.md.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/explain.py --write

Each plan is the database's own (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) for the
query the page runs, on the generated archive. A list that reads an index from the top and
stops is what keeps the page's cost flat as the archive grows.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def list_queries():
    """(what, queryset) for every list a reader page runs, on the busiest rows."""
    from django.db.models import Count
    from django.utils.timezone import now
    from taggit.models import Tag

    from articles.models import Article, Author, Section
    from articles.views import LIST_PAGE_SIZE
    from comments.models import Comment

    live = Article.objects.published()
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    tags = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n")
    author = Author.objects.order_by("slug").first()
    in_section = live.filter(section=section).newest_first()
    depth = min(LIST_PAGE_SIZE * 499, in_section.count()) - 1
    deep = in_section.values("published_at", "pk")[depth]
    hot = Comment.objects.values("article").annotate(n=Count("pk")).order_by("-n").first()
    size = LIST_PAGE_SIZE + 1
    return [
        ("home: latest", live.newest_first()[:11]),
        ("home: section rails", Article.objects.newest_per_section(3)),
        ("section page 1", in_section[:size]),
        ("section page 500 (keyset)", in_section.older_than(**deep)[:size]),
        ("common tag page", live.tagged(tags.first()).newest_first()[:size]),
        ("rare tag page", live.tagged(tags.last()).newest_first()[:size]),
        ("author page", live.filter(bylines__author=author).newest_first()[:size]),
        (
            "approved comments of the most-commented article",
            Comment.objects.published()
            .filter(article_id=hot["article"], parent=None)
            .order_by("posted_at", "pk")[:50],
        ),
        (
            "next scheduled publication (cache expiry)",
            Article.objects.filter(status__in=Article.VISIBLE_STATUSES, published_at__gt=now())
            .order_by("published_at")
            .values("published_at")[:1],
        ),
    ]


def plans():
    import django

    django.setup()
    from django.db import connection

    lines = [f"## Query plans on {connection.vendor}\n"]
    for what, queryset in list_queries():
        lines += [f"**{what}**", "```", queryset.explain(), "```", ""]
    return connection.vendor, "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the plans to BENCHMARKS.md")
    args = parser.parse_args(argv)
    vendor, text = plans()
    print(text)
    if args.write:
        from bench.run import write_section

        write_section(text, f"{vendor}-plans")


if __name__ == "__main__":
    main()
