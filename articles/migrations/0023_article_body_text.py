"""Search reads the body as readers see it (Article.body_text), not its Markdown.

PostgreSQL: the trigger of migration 0020 now weighs body_text as C. SQLite: the FTS5
table gets a body_text column; its old table and triggers are dropped here and made anew
after the migrate (articles/apps.py), since CREATE ... IF NOT EXISTS would keep the old ones.
Filling body_text then re-indexes every story on both.
"""

from django.db import migrations, models

from articles.rendering import plain_text


def search_vector_function(body_column):
    return f"""
    CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.dek, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.{body_column}, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """


def search_vector_trigger(body_column):
    return [
        "DROP TRIGGER articles_article_search_vector ON articles_article",
        f"""
        CREATE TRIGGER articles_article_search_vector
            BEFORE INSERT OR UPDATE OF headline, dek, {body_column} ON articles_article
            FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
        """,
    ]


SQLITE_DROP_SQL = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def index_body_column(schema_editor, body_column):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in [search_vector_function(body_column), *search_vector_trigger(body_column)]:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP_SQL:
            schema_editor.execute(statement)


def index_body_text(apps, schema_editor):
    index_body_column(schema_editor, "body_text")
    stories = apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias)
    last_pk = 0
    # Every row is written, so PostgreSQL's trigger re-indexes each story; read in pk order
    # a batch at a time, since SQLite cannot be written under an open read of the same table.
    while batch := list(stories.filter(pk__gt=last_pk).order_by("pk").only("body_html")[:1000]):
        for article in batch:
            article.body_text = plain_text(article.body_html)
        stories.bulk_update(batch, ["body_text"])
        last_pk = batch[-1].pk


def index_body(apps, schema_editor):
    index_body_column(schema_editor, "body")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("UPDATE articles_article SET headline = headline")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_article_search_entry"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(index_body_text, index_body),
    ]
