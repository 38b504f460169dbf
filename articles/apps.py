from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        post_migrate.connect(create_sqlite_search_index, sender=self)


def create_sqlite_search_index(using, **kwargs):
    """Keep SQLite's FTS5 search table and its triggers in place after every migrate."""
    from django.db import connections

    from articles.search import create_sqlite_index, sqlite_has_fts5

    if connections[using].vendor == "sqlite" and sqlite_has_fts5():
        create_sqlite_index(using)
