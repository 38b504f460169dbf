from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # Cache invalidation listens to every reader-visible write (articles/caching.py).
        from articles import caching  # noqa: F401
