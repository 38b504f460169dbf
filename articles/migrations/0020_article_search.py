import django.contrib.postgres.search
from django.db import migrations

# headline A, dek B, body C; the trigger fires on every write, bulk ones included.
POSTGRES_SEARCH_SQL = [
    """
    CREATE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.dek, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_search_vector
        BEFORE INSERT OR UPDATE OF headline, dek, body ON articles_article
        FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
    "CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_vector)",
    "UPDATE articles_article SET headline = headline",
]
POSTGRES_DROP_SQL = [
    "DROP INDEX articles_article_search_gin",
    "DROP TRIGGER articles_article_search_vector ON articles_article",
    "DROP FUNCTION articles_article_search_vector()",
]


def create_postgres_search(apps, schema_editor):
    """The trigger that keeps search_vector current and its GIN index, on PostgreSQL only.

    SQLite gets its FTS5 table after every migrate instead (articles/apps.py).
    """
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_SEARCH_SQL:
            schema_editor.execute(statement)


def drop_postgres_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_role_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_postgres_search, drop_postgres_search),
    ]
