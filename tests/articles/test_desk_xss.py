"""The desk's own pages and the kill notice show reporters' and editors' text as text."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import make_staff
from tests.xss import PAYLOADS, hostile_markup, seed_hostile_newsroom


@pytest.fixture(scope="module")
def hostile_desk(django_db_setup, django_db_blocker):
    """The hostile newsroom spread over the desk: killed, in review, scheduled, live.

    Seeded once per module, rolled back at its end; each test runs in a savepoint inside.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        newsroom = seed_hostile_newsroom()
        editor = make_staff("Editor", username="hostile-editor")
        soon = timezone.now() + timedelta(hours=1)
        for n, (article, payload) in enumerate(zip(newsroom.articles, PAYLOADS, strict=True)):
            if n % 4 == 0:
                workflow.move(article, by=editor, action="kill", note=payload)
            elif n % 4 == 1:
                Article.objects.filter(pk=article.pk).update(
                    status=Article.Status.IN_REVIEW, editorial_notes=payload
                )
                workflow.move(article, by=editor, action="return", note=payload)
                workflow.move(article, by=editor, action="submit", note=payload)
                workflow.assign(article=article, by=editor, assignee=editor, due_at=soon)
            elif n % 4 == 2:
                workflow.move(article, by=editor, action="unpublish", note=payload)
                workflow.move(article, by=editor, action="schedule", at=soon, note=payload)
        yield newsroom
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_no_payload_runs_on_the_desk_pages(admin_client, hostile_desk):
    audit_log = reverse("admin:articles_editorialevent_changelist")
    urls = [
        reverse("desk:index"),
        reverse("desk:calendar"),
        f"{reverse('desk:calendar')}?week={timezone.localdate():%Y-%m-%d}",
        audit_log,
        *(f"{audit_log}?article={article.pk}" for article in hostile_desk.articles[:8]),
        *(
            reverse("admin:articles_article_change", args=[article.pk])
            for article in hostile_desk.articles[:8]
        ),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert hostile_markup(response.content.decode()) == [], url


@pytest.mark.django_db
def test_no_kill_notice_runs_for_readers(client, hostile_desk):
    for article in hostile_desk.articles[::4]:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 410
        assert hostile_markup(response.content.decode()) == [], article.pk
