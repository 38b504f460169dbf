"""Fill a database with a realistic newsroom archive, fast (bulk inserts in batches).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/generate.py --articles 100000

Sections, tags and authors are skewed the way a real archive is (a few busy sections, a few
common tags), publication times spread over ten years. A handful of stories get known slugs
(`bench-comments-N`) so that the runner finds an article with exactly N comments. Never point
this at a database you care about: it adds rows, and --reset deletes every article first.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Benchmark databases only ever serve the benchmark; production settings still want a key.
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

BATCH = 2000
YEARS = 10
# Articles with exactly these comment counts, for the article-page benchmark.
MARKED_COMMENT_COUNTS = (0, 20, 200, 1000)
# A real front page names a handful of its sections (the busiest) in the masthead and rails.
FEATURED_SECTIONS = 8

WORDS = (
    "council budget transit climate reef heat school vote river port energy grid housing "
    "court data model research hospital strike rail harbour election museum wildfire drought "
    "farm market bridge tunnel festival library science ocean storm city village union"
).split()


def place_names(count=2000):
    """Made-up names (Brenhollow, Tarmouth...): the rare words that real searches look for.
    Every story is about one, drawn Zipf-skewed, so a name matches a handful of stories or,
    for the few famous ones, thousands."""
    starts = "bren tar ash gal mor fen wick hol dun kel ros vel cor mar sel tor".split()
    middles = "a e i o u ar en il on".split()
    ends = "mouth hollow ford wick by ton stead field gate mere dale holm vale port ham".split()
    names = [f"{a}{b}{c}".capitalize() for a in starts for b in middles for c in ends]
    return names[:count]


def zipf_weights(n, s=1.0):
    """Weights 1, 1/2^s, 1/3^s...: a few busy sections and common tags, a long tail."""
    return [1 / (rank**s) for rank in range(1, n + 1)]


def body_templates(render_markdown, plain_text, rng, count=20):
    """A few Markdown bodies, rendered once: bulk_create skips save(), which renders."""
    bodies = []
    for n in range(count):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))).capitalize() + "."
            for _ in range(rng.randint(6, 12))
        ]
        paragraphs.insert(3, f"## What happens next ({n})")
        body = "\n\n".join(paragraphs)
        body_html = render_markdown(body)
        bodies.append((body, body_html, plain_text(body_html)))
    return bodies


def generate(
    *,
    articles,
    sections=50,
    tags=2000,
    authors=500,
    sources=3,
    comments=0,
    seed=2026,
    out=print,
):
    """Add an archive of `articles` published stories (and the rest) to the database."""
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Author, Byline, Section, Source
    from articles.rendering import plain_text, render_markdown

    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now()

    def step(label, count):
        out(f"{label}: {count} rows, {time.perf_counter() - started:.1f}s")

    with transaction.atomic():
        section_rows = Section.objects.bulk_create(
            Section(
                name=f"Section {n:02d}",
                slug=f"section-{n:02d}",
                position=n,
                is_featured=n < FEATURED_SECTIONS,
            )
            for n in range(sections)
        )
        author_rows = Author.objects.bulk_create(
            Author(name=f"Reporter {n:03d}", slug=f"reporter-{n:03d}", bio="Covers the beat.")
            for n in range(authors)
        )
        tag_rows = Tag.objects.bulk_create(
            Tag(name=f"topic {n:04d}", slug=f"topic-{n:04d}") for n in range(tags)
        )
        step("sections, authors, tags", sections + authors + tags)

    bodies = body_templates(render_markdown, plain_text, rng)
    section_weights = zipf_weights(sections)
    tag_weights = zipf_weights(tags)
    places = place_names()
    place_weights = zipf_weights(len(places))
    span = timedelta(days=365 * YEARS).total_seconds()
    article_type = ContentType.objects.get_for_model(Article)
    made = 0
    while made < articles:
        count = min(BATCH, articles - made)
        with transaction.atomic():
            batch = []
            for n in range(made, made + count):
                words = rng.sample(WORDS, 6)
                place = rng.choices(places, place_weights)[0]
                body, body_html, body_text = rng.choice(bodies)
                published_at = now - timedelta(seconds=rng.random() * span + 60)
                batch.append(
                    Article(
                        headline=f"{place}: " + " ".join(words),
                        slug=f"story-{n}",
                        dek=f"What the {words[0]} means for the {words[1]}.",
                        body=body,
                        body_html=body_html,
                        body_text=body_text,
                        excerpt=f"The {words[2]} and the {words[3]}, explained.",
                        section=rng.choices(section_rows, section_weights)[0],
                        status=Article.Status.PUBLISHED,
                        published_at=published_at,
                        first_published_at=published_at,
                    )
                )
            rows = Article.objects.bulk_create(batch)
            Byline.objects.bulk_create(
                Byline(article=article, author=author, position=position)
                for article in rows
                for position, author in enumerate(
                    rng.sample(author_rows, 1 if rng.random() < 0.8 else 2)
                )
            )
            Source.objects.bulk_create(
                Source(
                    article=article,
                    title=f"Source {position + 1} on {article.headline}",
                    publisher="Example Wire",
                    url=f"https://example.org/{article.slug}/{position}",
                    position=position,
                )
                for article in rows
                for position in range(sources)
            )
            TaggedItem.objects.bulk_create(
                TaggedItem(tag=tag, content_type=article_type, object_id=article.pk)
                for article in rows
                for tag in {*rng.choices(tag_rows, tag_weights, k=rng.randint(1, 5))}
            )
        made += count
        step("articles", made)

    marked = Article.objects.order_by("-published_at")[: len(MARKED_COMMENT_COUNTS)]
    for article, comment_count in zip(marked, MARKED_COMMENT_COUNTS, strict=False):
        Article.objects.filter(pk=article.pk).update(slug=f"bench-comments-{comment_count}")
    if comments:
        generate_comments(comments, rng, step)
    # Fresh statistics, as a live database would have: the planners choose by them.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Renew every cached page, whatever the bulk inserts touched.
    from articles.caching import changed

    changed({"site"})
    step("done", Article.objects.count())


def comment_counts(article_ids, total, rng):
    """How many comments each article gets: a few hot stories with 1,000 to 3,000, a long
    tail of stories with a handful, most with none. The marked stories get exactly theirs."""
    from articles.models import Article

    marked = dict(
        Article.objects.filter(slug__startswith="bench-comments-").values_list("pk", "slug")
    )
    counts = {pk: int(slug.rsplit("-", 1)[1]) for pk, slug in marked.items()}
    others = [pk for pk in article_ids if pk not in counts]
    left = max(0, total - sum(counts.values()))
    hot_share = left * 2 // 5
    for pk in rng.sample(others, min(len(others), max(1, hot_share // 2000))):
        counts[pk] = rng.randint(1000, 3000) if left >= 3000 else left // 2
        left -= counts[pk]
    tail = [pk for pk in others if pk not in counts]
    for pk in rng.choices(tail, k=max(0, left)) if tail else []:
        counts[pk] = counts.get(pk, 0) + 1
    return counts


def generate_comments(total, rng, step):
    """About `total` comments, a fifth of them replies; the marked stories' are all published."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article
    from comments.models import Comment, CommentStatus, Rule

    published_at = dict(Article.objects.values_list("pk", "published_at"))
    counts = comment_counts(list(published_at), total, rng)
    marked = set(
        Article.objects.filter(slug__startswith="bench-comments-").values_list("pk", flat=True)
    )
    now = timezone.now()
    # The marked stories first (pop() takes from the end): a run cut short still has them.
    made, pending = 0, sorted(counts.items(), key=lambda item: item[0] in marked)
    while pending:
        batch, size = [], 0
        while pending and size < BATCH * 5:
            batch.append(pending.pop())
            size += batch[-1][1]
        with transaction.atomic():
            threads, replies = [], []
            for article_id, count in batch:
                start = published_at[article_id]
                spread = max(60.0, (now - start).total_seconds())
                for n in range(count):
                    status = CommentStatus.PUBLISHED
                    if article_id not in marked and rng.random() < 0.05:
                        status = rng.choice([CommentStatus.PENDING, CommentStatus.REMOVED])
                    comment = Comment(
                        article_id=article_id,
                        name=f"Reader {rng.randint(1, 50_000)}",
                        email=f"reader{rng.randint(1, 50_000)}@example.org",
                        body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))),
                        ip_network="198.51.100.0/24",
                        status=status,
                        rule=Rule.PASSED,
                        posted_at=start + timedelta(seconds=spread * min(1, (n + 1) / count)),
                    )
                    (replies if n % 5 == 4 else threads).append(comment)
            Comment.objects.bulk_create(threads, batch_size=BATCH)
            by_article = {}
            for comment in threads:
                by_article.setdefault(comment.article_id, []).append(comment)
            for reply in replies:
                reply.parent = rng.choice(by_article[reply.article_id])
            Comment.objects.bulk_create(replies, batch_size=BATCH)
        made += len(threads) + len(replies)
        step("comments", made)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sections", type=int, default=50)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--authors", type=int, default=500)
    parser.add_argument("--sources", type=int, default=3, help="per article")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--migrate", action="store_true", help="create the tables first (a new database)"
    )
    args = parser.parse_args(argv)
    if args.migrate:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
    generate(
        articles=args.articles,
        sections=args.sections,
        tags=args.tags,
        authors=args.authors,
        sources=args.sources,
        comments=args.comments,
        seed=args.seed,
    )


if __name__ == "__main__":
    main()
