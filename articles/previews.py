"""Previews: staff read a story as readers would; editors share a draft by a signed link.

A staff member previews exactly the stories they may open at the desk (the change form's
rule, `on_desk_of`): a reporter their own, a desk's editor their desk's sections. A shared
link shows the one story it was made for, to anyone holding it.

A shared link's token is its id signed with the site's secret (django.core.signing), so it
can be neither guessed nor altered; its expiry and revocation live in the database, so an
editor can end it at any time. Every preview response is `noindex` and never cached by
anything but the reader's own browser session.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from articles import metadata, pages
from articles.models import Article, PreviewAccess, PreviewLink
from newsroom.login_guard import client_address


def create_link(article, *, by):
    """A new shareable link to the article, expiring after PREVIEW_LINK_HOURS."""
    now = timezone.now()
    return PreviewLink.objects.create(
        article=article,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.PREVIEW_LINK_HOURS),
    )


def revoke(link):
    """End a link now; anyone following it from here on is told it was withdrawn."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def link_for_token(token):
    """The link a token names, or 404 for a token that was altered or never issued."""
    try:
        pk = signing.Signer(salt=PreviewLink.SIGNING_SALT).unsign_object(token)
    except signing.BadSignature:
        raise Http404("This preview link is not valid.") from None
    try:
        return PreviewLink.objects.select_related("created_by").get(pk=pk)
    except PreviewLink.DoesNotExist:
        raise Http404("This preview link is not valid.") from None


def log_access(link, request):
    """Keep a record of one reading of a shared preview."""
    PreviewAccess.objects.create(
        link=link,
        user=request.user if request.user.is_authenticated else None,
        ip_address=client_address(request) or None,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )


def article_for_preview(pk, *, by=None):
    """The article, whatever its state, with everything its page shows; for a staff member
    (`by`), only if they may open it at the desk. Any other is not found, as on the desk."""
    articles = Article.objects.for_reading()
    if by is not None:
        articles = articles.on_desk_of(by)
    try:
        return articles.get(pk=pk)
    except Article.DoesNotExist:
        raise Http404("No article with this number.") from None


def render_preview(request, article, *, link=None):
    """The article page as readers would get it, under a banner saying what it is."""
    parts = pages.story_parts(article)
    story = pages.story(article, parts)
    response = render(
        request,
        "articles/preview.html",
        {
            "article": article,
            "story": story,
            "headline": article.headline,
            "story_html": pages.render_story(story, related=[]),
            "metadata": metadata.for_article(request, article, parts),
            "link": link,
        },
    )
    return private(response)


def render_withdrawn(request, link):
    """410 for a link that expired or was revoked: it existed, and will not work again."""
    return private(render(request, "articles/preview_gone.html", {"link": link}, status=410))


def private(response):
    """Never indexed, never kept by a shared cache: previews show unpublished work."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
