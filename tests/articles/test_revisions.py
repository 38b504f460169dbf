import pytest
from django.urls import reverse

from articles import revisions
from articles.models import Article, Revision
from tests.articles.change_form import change_url, form_data
from tests.factories import make_article, make_author, make_draft, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        "ana", "ana@example.org", "pw", first_name="Ana", last_name="Editor"
    )


def save(client, article, **changes):
    """Open the article's change form and save it with `changes`, as an editor would."""
    response = client.post(
        change_url(article), form_data(client.get(change_url(article)), **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(pk=article.pk)


def test_every_save_keeps_a_revision_with_who_and_what(desk, editor):
    article = make_article(headline="Council votes", tags=["buses"])
    save(desk, article, headline="Council votes on night buses")
    revision, before = article.revisions.all()
    assert (revision.number, revision.created_by) == (2, editor)
    assert revision.snapshot["headline"] == "Council votes on night buses"
    # The story as it stood before its first desk save (from the pipeline, say) is version 1.
    assert (before.number, before.created_by, before.summary) == (
        1,
        None,
        "As it stood before the desk",
    )
    assert before.snapshot["headline"] == "Council votes"
    assert revision.snapshot["tags"] == ["buses"]
    assert revision.snapshot["bylines"][0]["name"] == article.bylines.get().author.name
    assert revision.snapshot["sources"][0]["url"].startswith("https://example.org/")
    save(desk, article, dek="A new dek.")
    assert list(article.revisions.values_list("number", flat=True)) == [3, 2, 1]


def test_adding_an_article_keeps_its_first_revision(desk, editor):
    add_url = reverse("admin:articles_article_add")
    data = form_data(desk.get(add_url), headline="Night buses return", status="draft")
    assert desk.post(add_url, data).status_code == 302
    article = Article.objects.get(headline="Night buses return")
    assert article.revisions.get().created_by == editor


def test_change_page_links_to_the_history_which_lists_every_version(desk):
    article = make_article()
    save(desk, article, headline="First")
    save(desk, article, headline="Second")
    history_url = reverse("desk:revisions", args=[article.pk])
    assert history_url in desk.get(change_url(article)).content.decode()
    page = desk.get(history_url).content.decode()
    assert "Ana Editor" in page
    assert page.count('name="from"') == 3


def test_history_of_a_story_never_saved_at_the_desk_is_an_empty_list(desk):
    imported = make_article()  # As the importer files it: no desk save, no revision yet.
    response = desk.get(reverse("desk:revisions", args=[imported.pk]))
    assert response.status_code == 200
    assert 'name="from"' not in response.content.decode()


def test_compare_two_versions_shows_changed_words_field_by_field(desk):
    article = make_article(body="The council met on Monday.\n\nIt voted for buses.")
    save(desk, article, body="The council met on Tuesday.\n\nIt voted for buses.", dek="New dek.")
    url = reverse("desk:compare", args=[article.pk]) + "?from=1&to=2"
    response = desk.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<del>Monday.</del><ins>Tuesday.</ins>" in page
    assert "It voted for buses." in page  # the unchanged paragraph beside it, for context
    labels = [change.label for change in response.context["changes"]]
    assert labels == ["Dek", "Body"]


def test_one_click_compares_latest_version_with_live_article(desk):
    article = make_article(headline="As saved")
    save(desk, article)
    Article.objects.filter(pk=article.pk).update(headline="Changed outside the desk")
    page = desk.get(reverse("desk:revisions", args=[article.pk])).content.decode()
    latest_vs_live = reverse("desk:compare", args=[article.pk]) + "?from=2&amp;to=live"
    assert latest_vs_live in page
    page = desk.get(latest_vs_live.replace("&amp;", "&")).content.decode()
    assert "<del>As saved</del> <ins>Changed outside the desk</ins>" in page


def test_comparing_a_version_that_does_not_exist_is_not_found(desk):
    article = make_article()
    url = reverse("desk:compare", args=[article.pk])
    assert desk.get(url + "?from=7&to=live").status_code == 404
    assert desk.get(url + "?from=seven&to=live").status_code == 400  # names the field


def test_restore_brings_back_words_and_bylines_as_a_new_version_keeping_the_state(desk, editor):
    first_author = make_author(name="Ada Reporter")
    article = make_article(headline="Original headline", authors=[first_author], tags=["buses"])
    article.sources.update(published_on="2026-11-01")
    save(desk, article)
    article.bylines.all().delete()
    article.bylines.create(author=make_author(name="Grace Hopper"))
    article.sources.all().delete()
    article.tags.set(["trams"])
    save(desk, article, headline="Rewritten headline")
    Article.objects.filter(pk=article.pk).update(status="unpublished")  # the workflow's move
    restore_url = reverse("desk:restore", args=[article.pk, 1])
    preview = desk.get(restore_url).content.decode()
    assert "<del>Rewritten </del><ins>Original </ins>headline" in preview
    # Only what restoring changes: the state and publication times stay as they are.
    assert ">Status<" not in preview and ">Published at<" not in preview

    response = desk.post(restore_url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.byline_authors == [first_author]
    assert [tag.name for tag in article.tags.all()] == ["buses"]
    assert [str(source.published_on) for source in article.sources.all()] == ["2026-11-01"]
    assert article.status == "unpublished"
    latest = article.revisions.first()
    assert (latest.number, latest.summary, latest.created_by) == (4, "Restored version 1", editor)


def test_restoring_old_slug_of_published_article_keeps_the_newer_address_working(desk, client):
    article = make_article(slug="first-slug")
    save(desk, article, slug="second-slug")
    desk.post(reverse("desk:restore", args=[article.pk, 1]))
    assert Article.objects.get(pk=article.pk).slug == "first-slug"
    response = desk.get("/article/second-slug/")
    assert (response.status_code, response["Location"]) == (301, "/article/first-slug/")


def test_restore_is_refused_to_a_reporter_whose_story_is_published(client):
    reporter = make_staff("Reporter", byline=True)
    article = make_article(authors=[reporter.author])
    revisions.record(article, None)
    client.force_login(reporter)
    assert client.get(reverse("desk:revisions", args=[article.pk])).status_code == 200
    url = reverse("desk:restore", args=[article.pk, 1])
    assert client.post(url).status_code == 403
    assert article.revisions.count() == 1


def test_diff_folds_long_unchanged_runs():
    old = "\n\n".join(f"Paragraph {n}." for n in range(10))
    new = old.replace("Paragraph 5.", "Paragraph five.")
    kinds = [kind for kind, _ in revisions.diff_text(old, new)]
    assert kinds == ["gap", "same", "changed", "same", "gap"]


def test_diff_escapes_what_the_article_says():
    html = revisions.diff_words("a <b>", "a <i>")
    assert "<del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>" in html


def test_history_and_compare_pages_query_counts_are_fixed(desk, django_assert_num_queries):
    article = make_draft()
    save(desk, article)
    history = reverse("desk:revisions", args=[article.pk])
    compare = reverse("desk:compare", args=[article.pk]) + "?from=1&to=live"
    # 1 session, 2 user, 3 article + section, 4 its bylines (the desk's queryset prefetches
    # them), 5 revisions + their authors
    with django_assert_num_queries(5):
        desk.get(history)
    # 1 session, 2 user, 3 article + section, 4 its bylines (prefetched by the desk), 5 version
    # 1; the live snapshot's 6 bylines + authors, 7 sources, 8 tags
    with django_assert_num_queries(8):
        desk.get(compare)
    for n in range(5):
        save(desk, article, headline=f"Take {n}")
    with django_assert_num_queries(5):
        assert desk.get(history).status_code == 200
    with django_assert_num_queries(8):
        assert desk.get(compare).status_code == 200
    assert Revision.objects.filter(article=article).count() == 7


def test_rewritten_paragraph_reads_as_a_whole_rather_than_a_patchwork():
    html = revisions.diff_words("The dek of story 1.", "Ben rewrote the dek entirely.")
    assert html == "<del>The dek of story 1.</del> <ins>Ben rewrote the dek entirely.</ins>"


def test_line_endings_and_seconds_are_not_reported_as_changes():
    old = {"body": "One.\n\nTwo.", "published_at": "2026-11-25T10:00:00.123456+00:00"}
    new = {"body": "One.\r\n\r\nTwo.", "published_at": "2026-11-25T10:00:00+00:00"}
    assert revisions.compare(old, new) == []


def test_change_form_shows_what_the_last_save_changed_in_one_click(desk):
    article = make_article(headline="Before")
    save(desk, article)
    save(desk, article, headline="After the edit")
    compare = reverse("desk:compare", args=[article.pk]) + "?from=2&amp;to=3"
    assert compare in desk.get(change_url(article)).content.decode()


def test_desk_pages_load_their_styles_and_scripts_as_files_for_the_content_policy(desk):
    article = make_article()
    save(desk, article)
    change = desk.get(change_url(article)).content.decode()
    assert "articles/revisions" in change and "articles/presence" in change
    compare = reverse("desk:compare", args=[article.pk]) + "?from=0&to=1"
    for page in [change, desk.get(compare).content.decode()]:
        assert "<style" not in page
        assert "articles/revisions" in page


def test_restore_preview_query_count_is_fixed(desk, django_assert_num_queries):
    article = make_article(tags=["buses"])
    save(desk, article)
    restore = reverse("desk:restore", args=[article.pk, 1])
    desk.get(restore)
    # 1 session, 2 user, 3 article + section, 4 its bylines (prefetched by the desk),
    # 5 version 1; the live snapshot's 6 bylines + authors, 7 sources, 8 tags
    with django_assert_num_queries(8):
        assert desk.get(restore).status_code == 200
    article.bylines.create(author=make_author(), position=1)
    article.sources.create(title="A second source", url="https://example.org/2", position=1)
    article.tags.add("trams", "ferries")
    for n in range(3):
        save(desk, article, headline=f"Take {n}")
    with django_assert_num_queries(8):
        assert desk.get(restore).status_code == 200
