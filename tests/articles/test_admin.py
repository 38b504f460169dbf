import pytest
from django.urls import reverse

from articles import previews, revisions
from articles.models import Article, RelatedStory
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_article, make_author, make_correction, make_image

pytestmark = pytest.mark.django_db


def corrected_story(rows, corrections):
    """A published story with `rows` bylines and sources and some corrections."""
    article = make_article(authors=[make_author() for _ in range(rows)], sources=rows)
    for _ in range(corrections):
        make_correction(article)
    return article


def worked_story(rows, corrections, *, by):
    """A corrected story that `by` has worked on: `rows` tags, revisions and preview links."""
    article = corrected_story(rows, corrections)
    article.tags.add(*[f"tag-{n}" for n in range(rows)])
    for _ in range(rows):
        revisions.record(article, by)
        previews.create_link(article, by=by)
    return article


def test_superuser_opens_every_articles_admin_page(admin_client):
    article = make_article()
    for name in ["article", "section", "author"]:
        assert admin_client.get(reverse(f"admin:articles_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:articles_{name}_add")).status_code == 200
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert "Sources" in response.content.decode()


def test_lead_image_without_alt_text_is_refused_naming_the_field():
    from django.core.exceptions import ValidationError

    article = make_article(lead_image=make_image(alt=""))  # Undescribed in the library too.
    with pytest.raises(ValidationError) as refused:
        article.clean()
    assert "lead_image_alt" in refused.value.message_dict


def test_article_slug_is_derived_from_headline_and_kept_unique():
    first = make_article(headline="Council votes on buses")
    second = make_article(headline="Council votes on buses")
    assert first.slug == "council-votes-on-buses"
    assert second.slug == "council-votes-on-buses-2"


def test_status_outside_the_workflow_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="oops")


def test_change_form_shows_each_byline_with_its_author_chosen(desk):
    ann, bob = make_author(name="Ann Byline"), make_author(name="Bob Byline")
    article = make_article(authors=[ann, bob], headline="Council votes")
    page = desk.get(change_url(article)).content.decode()
    for position, author in enumerate([ann, bob]):
        assert f"{author.name} on Council votes" in page
        assert (
            f'<select name="bylines-{position}-author"' in page
            and f'<option value="{author.pk}" selected>{author.name}</option>' in page
        )


def test_change_form_query_count_is_fixed(desk, editor, django_assert_num_queries):
    one_of_each, many = worked_story(1, 1, by=editor), worked_story(8, 3, by=editor)
    for position in range(3):
        RelatedStory.objects.create(article=many, story=make_article(), position=position)
    desk.get(change_url(many))  # Django caches content types once per process
    # session, user, 2 permissions, desk sections; the article with its bylines and tags;
    # the version it was opened at; bylines with their authors, sources, corrections; the
    # checklist's source check; latest revision, preview links, desk events; the section
    # and the assignees to choose from; the related stories the editor picked. More bylines,
    # sources, tags, corrections, revisions, preview links and related stories add none.
    with django_assert_num_queries(19):
        assert desk.get(change_url(one_of_each)).status_code == 200
    with django_assert_num_queries(19):
        assert desk.get(change_url(many)).status_code == 200


def test_add_form_query_count_is_fixed(desk, django_assert_num_queries):
    desk.get(reverse("admin:articles_article_add"))  # content types, cached once per process
    # session, user, 2 permissions, desk sections, the assignees to choose from
    with django_assert_num_queries(6):
        assert desk.get(reverse("admin:articles_article_add")).status_code == 200


@pytest.mark.parametrize("rows, corrections, queries", [(1, 1, 38), (8, 3, 74)])
def test_desk_save_query_count_is_fixed(
    desk, django_assert_num_queries, rows, corrections, queries
):
    article = corrected_story(rows, corrections)
    desk.post(change_url(article), change_form_data(desk, article))  # its first desk save
    data = change_form_data(desk, article, headline="Edited headline")
    # The lock and the newest revision for the concurrency check, the save, its revision and
    # the admin log stay fixed, and so does the page cache's read of the row as it was;
    # the slug's history is not looked up, since the slug did not change.
    # Django's formset validation grows with the rows posted:
    # each byline looks up its row, its author and checks the author exists, each source
    # its row, each correction its row and its kind constraint (in a savepoint).
    with django_assert_num_queries(queries):
        response = desk.post(change_url(article), data)
    assert response.status_code == 302
    assert article.revisions.first().snapshot["headline"] == "Edited headline"


def test_refused_save_shows_the_byline_author_the_editor_chose(desk):
    saved, chosen = make_author(name="Saved Byline"), make_author(name="Chosen Byline")
    article = make_article(authors=[saved])
    data = change_form_data(desk, article, headline="", **{"bylines-0-author": str(chosen.pk)})
    page = desk.post(change_url(article), data).content.decode()
    assert "This field is required." in page
    assert f'<option value="{chosen.pk}" selected>Chosen Byline</option>' in page
    assert ">Saved Byline</option>" not in page
