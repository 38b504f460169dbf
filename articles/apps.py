from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_delete, post_migrate, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # Cache invalidation listens to every reader-visible write (articles/caching.py).
        from articles import caching  # noqa: F401
        from articles.models import Article, Rendition
        from articles.renditions import article_saved
        from library.renditions import rendition_deleted

        post_migrate.connect(create_sqlite_search_index, sender=self)
        post_save.connect(article_saved, sender=Article, dispatch_uid="article_renditions")
        post_delete.connect(rendition_deleted, sender=Rendition, dispatch_uid="rendition_file")


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
