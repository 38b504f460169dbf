from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView

from articles import caching, metadata, pages, previews
from articles.feeds import heading_feeds
from articles.forms import SearchForm
from articles.headings import heading_or_404
from articles.models import Article, Correction, SlugRedirect
from articles.search import ranks_newest_only, search_articles
from comments import threads
from frontpage.models import Layout
from frontpage.pages import home_page
from newsroom.errors import error_page
from newsroom.params import record_id

LIST_PAGE_SIZE = 20
RELATED_COUNT = 4


class ReaderPage:
    """A reader page says on its response what it shows (its page keys, set while the view
    builds its context) and when it changes by itself, for the page cache."""

    page_keys = None
    expires_at = None

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.page_keys is None:
            return response
        return caching.mark(response, self.page_keys, expires_at=self.expires_at)


class HomeView(ReaderPage, TemplateView):
    """The front page as the editors last published it (frontpage/)."""

    template_name = "articles/home.html"

    def get_layout(self):
        return Layout.objects.live().first()

    def build_home(self):
        """The home page's stories with their HTML, its page keys, and the moment a pin or the
        banner comes down (it changes by itself then, with no write)."""
        home = home_page(self.get_layout())
        shown = {"context": pages.rendered_home(home["context"]), "expires_at": home["expires_at"]}
        return shown, home["page_keys"], home["expires_at"]

    def shown(self):
        """What the home page shows, kept as one fragment under its keys: a home page whose
        own entry went (a query string never seen, an eviction) is assembled without a query."""
        [(shown, keys)] = caching.fragments(
            {"home": self.build_home}, chooses_stories=True
        ).values()
        return shown, keys

    def get_context_data(self, **kwargs):
        shown, self.page_keys = self.shown()
        self.expires_at = shown["expires_at"]
        return super().get_context_data(
            **shown["context"], metadata=metadata.for_page(self.request), **kwargs
        )


class ArticleListView(ReaderPage, ListView):
    """Published stories under some heading (section, tag, author), newest first.

    Pages are keyset pages: "Older stories" names the last story shown (`?before=<id>`) and
    the next page starts right after it on the index, so page 500 costs what page 1 costs.
    There is no total count: counting a ten-year archive on every page view is what makes
    archives slow.
    """

    template_name = "articles/article_list.html"
    page_size = LIST_PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        articles = self.filter_articles(Article.objects.published())
        if "before" in self.request.GET:
            articles = articles.older_than(**self.last_seen(self.request.GET["before"]))
        return pages.rows(articles.newest_first()[: self.page_size + 1])

    def last_seen(self, before):
        """The story the reader saw last, from the `before` of an "Older stories" link."""
        # Any story readers cannot see now is not found alike: a draft, a scheduled story
        # and a killed one must not answer differently.
        return get_object_or_404(
            Article.objects.published().values("published_at", "pk"),
            pk=record_id(before, field="before"),
        )

    def get_context_data(self, **kwargs):
        [stories] = pages.teasers(self.object_list)
        page = pages.rendered(stories[: self.page_size], level=2, show_dek=True)
        before = self.request.GET.get("before")  # checked by last_seen()
        heading_key = f"{self.feed_scope}:{kwargs['heading_pk']}"
        self.page_keys = {heading_key, f"list:{heading_key}"} | pages.teaser_keys(page)
        return super().get_context_data(
            object_list=page,
            older_than=page[-1]["pk"] if len(stories) > self.page_size else None,
            is_older_page=before is not None,
            heading_feeds=heading_feeds(self.feed_scope, self.kwargs["slug"], kwargs["heading"]),
            metadata=metadata.for_page(
                self.request,
                title=kwargs["heading"],
                description=kwargs.get("description"),
                page_query=f"before={before}" if before else "",
                section=kwargs.get("section"),
            ),
            **kwargs,
        )


class SectionView(ArticleListView):
    feed_scope = "section"

    def filter_articles(self, articles):
        self.section = heading_or_404("section", self.kwargs["slug"])
        return articles.filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.section.name,
            description=self.section.description,
            kind="Section",
            section=self.section,
            current_section=self.section.slug,
            heading_pk=self.section.pk,
            **kwargs,
        )


class TagView(ArticleListView):
    feed_scope = "tag"

    def filter_articles(self, articles):
        self.tag = heading_or_404("tag", self.kwargs["slug"])
        return articles.tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.tag.name, kind="Tag", tag=self.tag, heading_pk=self.tag.pk, **kwargs
        )


class AuthorView(ArticleListView):
    feed_scope = "author"

    def filter_articles(self, articles):
        self.author = heading_or_404("author", self.kwargs["slug"])
        return articles.filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.author.name,
            description=self.author.bio,
            kind="Author",
            author=self.author,
            heading_pk=self.author.pk,
            **kwargs,
        )


class ArticleView(ReaderPage, TemplateView):
    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        # The story's own part (content, metadata, related stories) is a fragment under its
        # keys; the comment section under its thread's. A page renewed by an approved comment
        # reads the story from its fragment, and one renewed by an edit reuses the thread.
        name = f"story:{request.build_absolute_uri(request.path)}"
        try:
            [(self.shown, self.story_keys)] = caching.fragments(
                {name: self.build_story}, chooses_stories=True
            ).values()
        except Http404:
            return self.gone_or_moved()
        return super().get(request, *args, **kwargs)

    def build_story(self):
        """The story's page objects and their page keys."""
        article = get_object_or_404(
            Article.objects.published().for_reading(), slug=self.kwargs["slug"]
        )
        parts = pages.story_parts(article)
        related = pages.related_links(
            article, tag_ids=[tag["pk"] for tag in parts["tags"]], count=RELATED_COUNT
        )
        shown = {
            "headline": article.headline,
            "story_html": pages.render_story(pages.story(article, parts), related),
            "metadata": metadata.for_article(self.request, article, parts),
            "commented": article.for_comments(),
        }
        keys = article.page_view_keys(
            author_ids=[byline["pk"] for byline in parts["bylines"]],
            tag_ids=[tag["pk"] for tag in parts["tags"]],
        )
        return shown, keys.union(*(link["keys"] for link in related))

    def gone_or_moved(self):
        """A killed story that readers saw says it is gone for good, and why; one they never
        saw does not exist for them. A published story's former address redirects."""
        killed = Article.objects.filter(
            slug=self.kwargs["slug"],
            status=Article.Status.KILLED,
            first_published_at__isnull=False,
        )
        article = killed.only("headline", "kill_notice").first()
        if article is not None:
            return error_page(410, {"article": article})
        moved = (
            SlugRedirect.objects.filter(
                old_slug=self.kwargs["slug"], article__in=Article.objects.published()
            )
            .select_related("article")
            .first()
        )
        if moved is None:
            raise Http404("No story at this address")
        return redirect(moved.article, permanent=True)

    def get_context_data(self, **kwargs):
        comments = threads.comment_section(
            self.shown["commented"],
            sort=self.request.GET.get("comments_sort", ""),
            tab=self.request.GET.get("comments_tab", ""),
            page_number=self.request.GET.get("comments_page"),
        )
        comments_html, comments_keys = threads.render_section(self.request, comments)
        self.page_keys = self.story_keys | comments_keys
        # The page changes by itself when its thread closes after its days.
        self.expires_at = comments.closes_at if comments.is_open else None
        return super().get_context_data(
            headline=self.shown["headline"],
            story_html=self.shown["story_html"],
            metadata=self.shown["metadata"],
            comments=comments_html,
            **kwargs,
        )


class SearchView(ReaderPage, ListView):
    """Search results for the reader's words, with the form that asked for them."""

    template_name = "articles/search.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "results"
    # Results, their order and snippets change with any story's words: one key for all.
    page_keys = {"search"}

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        if not self.form.is_valid() or not self.form.cleaned_data["q"].strip():
            return Article.objects.none()
        criteria = self.form.cleaned_data
        return search_articles(
            criteria["q"],
            section=criteria["section"],
            published_from=criteria["published_from"],
            published_to=criteria["published_to"],
        )

    def get_context_data(self, **kwargs):
        criteria = self.request.GET.copy()
        criteria.pop("page", None)
        context = super().get_context_data(
            form=self.form,
            has_query=self.form.is_valid() and bool(self.form.cleaned_data["q"].strip()),
            criteria=criteria.urlencode(),
            **kwargs,
        )
        context["newest_only"] = ranks_newest_only(context["paginator"].count)
        # Only a search that found something has results with snippets to read.
        found = context["paginator"].count
        [context["results"]] = pages.teasers(
            pages.rows(context["results"], "snippet") if found else []
        )
        page = context["page_obj"]
        context["metadata"] = metadata.for_page(
            self.request, page_query=f"page={page.number}" if page.number > 1 else ""
        )
        return context


class CorrectionListView(ReaderPage, ListView):
    """Every correction, clarification, update and editor's note on the site, newest first."""

    template_name = "articles/corrections.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "corrections"

    def get_queryset(self):
        return (
            Correction.objects.on_public_articles()
            .select_related("article")
            .only("kind", "text", "published_at", "article__headline", "article__slug")
            .newest_first()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = {f"article:{correction.article_id}" for correction in context["corrections"]}
        self.page_keys = {"corrections", *shown}
        return context


@staff_member_required
@permission_required("articles.view_article", raise_exception=True)
def preview(request, pk):
    """A story the staff member may open at the desk, as readers would see it at its address."""
    return previews.render_preview(request, previews.article_for_preview(pk, by=request.user))


def shared_preview(request, token):
    """A draft shared by an editor's link, for as long as the link lasts."""
    link = previews.link_for_token(token)
    if not link.is_usable:
        return previews.render_withdrawn(request, link)
    previews.log_access(link, request)
    return previews.render_preview(
        request, previews.article_for_preview(link.article_id), link=link
    )
