"""SQLite's full-text search table, as Django reads it (PostgreSQL uses Article.search_vector)."""

from django.db import models
from django.urls import reverse

from articles.models.content import Article


class FullTextMatchField(models.TextField):
    """SQLite FTS5's hidden column named after its table; `__match` runs a full-text query."""


@FullTextMatchField.register_lookup
class FullTextMatch(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", lhs_params + rhs_params


class ArticleSearchEntry(models.Model):
    """An article's row in SQLite's FTS5 search table, which articles/search.py creates and
    its triggers fill. Django only reads it, joined to the article, to match and rank."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    document = FullTextMatchField(db_column="articles_article_fts")
    # FTS5's rank: bm25 with the column weights set in articles/search.py; lower is better.
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "articles_article_fts"

    def __str__(self):
        return f"Search entry of {self.article_id}"

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.article.slug])
