"""The shared XSS corpus through every comment field that reaches a page: nothing executable."""

import pytest

from comments.models import CommentSettings, ModerationLogEntry, Report
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment
from tests.xss import PAYLOADS, hostile_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_thread():
    """A comment per payload (name, body, matched words, report note), half of them held."""
    CommentSettings.objects.filter(pk=1).update(threads_per_page=len(PAYLOADS))
    article = make_article()
    top = make_comment(article=article, body="An ordinary opening comment.")
    for n, payload in enumerate(PAYLOADS):
        comment = make_comment(
            article=article,
            parent=top if n % 3 == 0 else None,
            name=payload[:80],
            body=f"{payload}\n\nsee https://example.org/{n} {payload}",
            status="pending" if n % 2 else "published",
            rule="suspect_term",
            reason=f"suspect terms: {payload}"[:300],
            matched_terms=[payload],
            open_report_count=1,
        )
        Report.objects.create(comment=comment, reader_key=f"k{n}", reason="other", note=payload)
        ModerationLogEntry.objects.create(
            comment=comment, article=article, action="posted", reason=payload[:300]
        )
    return article, top


def test_reader_pages_show_hostile_comments_as_text(client, hostile_thread):
    article, top = hostile_thread
    for url in [
        article.get_absolute_url(),
        f"/comments/{top.pk}/reply/",
        f"/comments/{top.replies.filter(status='published').first().pk}/report/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert hostile_markup(response.content.decode()) == [], url


def test_desk_pages_show_hostile_comments_as_text(moderator_client, hostile_thread):
    urls = [
        f"/moderation/?tab={tab}&page={page}"
        for tab in ["pending", "reported"]
        for page in [1, 2, 3, 4]
    ]
    urls += ["/moderation/log/", "/moderation/log/?page=2", "/moderation/overview/"]
    for url in urls:
        html = moderator_client.get(url).content.decode()
        assert hostile_markup(html) == [], url


@pytest.mark.parametrize("payload", PAYLOADS[::7])
def test_refused_form_re_shows_hostile_text_as_text(client, payload):
    article = make_article()
    response = post_comment(
        client, article, name=payload[:80], email=payload, body=payload, token="x"
    )
    assert response.status_code == 400
    assert hostile_markup(response.content.decode()) == []
