from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # Cache invalidation listens to every reader-visible write (articles/caching.py).
        from articles import caching  # noqa: F401

        post_migrate.connect(create_sqlite_search_index, sender=self)


def create_sqlite_search_index(using, apps=global_apps, **kwargs):
    """Keep SQLite's FTS5 search table and its triggers in place after every migrate."""
    from django.db import connections

    from articles.search import create_sqlite_index, sqlite_has_fts5

    # Migrated back to before the columns the index reads (0023 added body_text), or before
    # there were articles at all: the index of that time is not this one, so none is made.
    try:
        columns = {field.name for field in apps.get_model("articles", "Article")._meta.fields}
    except LookupError:
        return
    if "body_text" not in columns:
        return
    if connections[using].vendor == "sqlite" and sqlite_has_fts5():
        create_sqlite_index(using)
