from django.urls import path
from django.views.generic import TemplateView

from articles import caching, sitemaps, views
from articles.feeds import ArticleFeed, NewsroomAtomFeed, NewsroomRssFeed

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("article/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("preview/<id:pk>/", views.preview, name="preview"),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
    path("search/", views.SearchView.as_view(), name="search"),
]

# Feeds: RSS 2.0 and Atom, site-wide and per section, tag and author.
urlpatterns += [
    path("feed/rss/", ArticleFeed(feed_type=NewsroomRssFeed), name="feed_rss"),
    path("feed/atom/", ArticleFeed(feed_type=NewsroomAtomFeed), name="feed_atom"),
]
for scope in ArticleFeed.scopes:
    urlpatterns += [
        path(
            f"{scope}/<slug:slug>/feed/rss/",
            ArticleFeed(feed_type=NewsroomRssFeed, scope=scope),
            name=f"{scope}_feed_rss",
        ),
        path(
            f"{scope}/<slug:slug>/feed/atom/",
            ArticleFeed(feed_type=NewsroomAtomFeed, scope=scope),
            name=f"{scope}_feed_atom",
        ),
    ]

# Sitemaps and robots.txt for crawlers.
urlpatterns += [
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap"),
    path(
        "robots.txt",
        caching.shows()(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots",
    ),
]
