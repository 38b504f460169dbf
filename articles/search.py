"""Full-text search over published stories.

PostgreSQL: a weighted tsvector column (headline A, dek B, body text C) kept current by a
trigger and indexed with GIN (made by migration 0020, reading body_text since 0023),
ranked with ts_rank, with ts_headline snippets. SQLite: an FTS5 table kept current by
triggers, ranked with bm25. The triggers live in the database, so bulk updates and imports
stay searchable too.

The body is searched as readers see it, Article.body_text (no Markdown marks, no link
addresses): the snippet is cut from the same text that was matched and ranked.
"""

import re
import sqlite3
from functools import cache

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article

SEARCH_CONFIG = "english"
# Highlight markers: control characters no reader types, swapped for <mark> after escaping.
MARK_START, MARK_STOP = "\x02", "\x03"
FTS_TABLE = "articles_article_fts"
# bm25 column weights, mirroring the PostgreSQL A/B/C weights of headline, dek and body.
FTS_WEIGHTS = "10.0, 4.0, 1.0"

# Created after every migrate (articles/apps.py): SQLite rebuilds a table when a later
# migration alters it, and the triggers on the old table go with it.
SQLITE_FTS_SQL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        headline, dek, body_text, content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}(rowid, headline, dek, body_text)
        VALUES (new.id, new.headline, new.dek, new.body_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, headline, dek, body_text)
        VALUES ('delete', old.id, old.headline, old.dek, old.body_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update
        AFTER UPDATE OF headline, dek, body_text ON articles_article BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, headline, dek, body_text)
        VALUES ('delete', old.id, old.headline, old.dek, old.body_text);
        INSERT INTO {FTS_TABLE}(rowid, headline, dek, body_text)
        VALUES (new.id, new.headline, new.dek, new.body_text);
    END""",
    # The rank column weighs headline, dek and body like PostgreSQL's A, B and C.
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25({FTS_WEIGHTS})')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]


@cache
def sqlite_has_fts5():
    """Whether the SQLite library Python links against was built with FTS5."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.OperationalError:
        return False
    return True


def create_sqlite_index(using):
    """Create (or repair) the FTS5 table and its triggers, and re-read every article."""
    with connections[using].cursor() as cursor:
        for statement in SQLITE_FTS_SQL:
            cursor.execute(statement)


def highlight(text):
    """Escape a snippet, then turn the database's markers into <mark> elements."""
    return mark_safe(escape(text or "").replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def fts5_query(words):
    """A MATCH expression that finds every word, whatever punctuation the reader typed."""
    return " ".join(f'"{token}"' for token in re.findall(r"\w+", words))


def search_articles(words, *, section=None, published_from=None, published_to=None):
    """Published stories matching `words`, best first, each with `rank` and `snippet`."""
    articles = Article.objects.published()
    if section is not None:
        articles = articles.filter(section=section)
    if published_from is not None:
        articles = articles.filter(published_at__date__gte=published_from)
    if published_to is not None:
        articles = articles.filter(published_at__date__lte=published_to)
    if connection.vendor == "postgresql":
        matched = postgres_search(articles, words)
    elif sqlite_has_fts5():
        matched = fts5_search(articles, words)
    else:
        matched = scan_search(articles, words)
    return matched.for_listing()


def ranks_newest_only(match_count):
    """Whether a search found more stories than it ranked (see postgres_search)."""
    return connection.vendor == "postgresql" and match_count >= settings.SEARCH_CANDIDATES


def postgres_search(articles, words):
    """Only the newest SEARCH_CANDIDATES matches are ranked: a word in every story would
    otherwise rank the whole archive (most of a second at 100,000 stories). News searches
    look for recent stories; more words or a date range reach older ones."""
    query = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
    newest = articles.filter(search_vector=query).newest_first()[: settings.SEARCH_CANDIDATES]
    return (
        Article.objects.filter(pk__in=newest.values("pk"))
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                "body_text",
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def fts5_search(articles, words):
    match = fts5_query(words)
    if not match:
        return articles.none()
    # The candidates go in a subquery so that SQLite starts from the full-text match;
    # joined directly, it may probe the FTS table once per published story instead.
    # FTS5 ranks every match in its own scan, so it takes no candidate limit: a
    # second pass over the matches to find the newest would cost more than it saves.
    return (
        Article.objects.filter(pk__in=articles.values("pk"), search_entry__document__match=match)
        .annotate(
            # FTS5's rank is lower for better matches; negated to read like PostgreSQL's.
            rank=-F("search_entry__rank"),
            # snippet() needs the FTS table by name: the join to it is the query's only one.
            snippet=RawSQL(f"snippet({FTS_TABLE}, 2, %s, %s, '…', 24)", [MARK_START, MARK_STOP]),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def scan_search(articles, words):
    """Without FTS5: every word must appear in the headline, dek or body text, newest first."""
    tokens = re.findall(r"\w+", words)
    if not tokens:
        return articles.none()
    for token in tokens:
        articles = articles.filter(
            Q(headline__icontains=token) | Q(dek__icontains=token) | Q(body_text__icontains=token)
        )
    return articles.annotate(rank=Value(0.0), snippet=Left("body_text", 200)).newest_first()
