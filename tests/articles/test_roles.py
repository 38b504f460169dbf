"""Roles: the groups the migration creates, and who may do what, on every path."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Desk, EditorialEvent
from articles.roles import ROLE_PERMISSIONS, sync_role_groups
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_author, make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db
State = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")


def perms(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def own_story(user, status=State.DRAFT, **overrides):
    """A story carrying `user`'s byline, complete enough to pass the publish checks."""
    overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return make_draft(status=status, authors=[user.author], **overrides)


def test_migration_creates_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Reporter", "Editor", "Moderator"}


def test_reporter_files_and_submits_but_cannot_publish():
    reporter = perms("Reporter")
    assert {
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
    } <= reporter
    assert "articles.publish_article" not in reporter
    assert "articles.edit_any_article" not in reporter
    assert "articles.delete_article" not in reporter


def test_editor_publishes_and_manages_sections_authors_and_tags():
    editor = perms("Editor")
    assert {
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.change_section",
        "articles.add_author",
        "taggit.change_tag",
        "articles.view_editorialevent",
    } <= editor


def test_moderator_holds_nothing_of_the_articles_app():
    assert not {p for p in perms("Moderator") if p.startswith("articles.")}


@pytest.mark.parametrize("role", ["Reporter", "Moderator"])
def test_every_permission_a_role_names_exists_once_migrated(role):
    assert perms(role) == set(ROLE_PERMISSIONS[role])


def test_syncing_the_roles_again_restores_exactly_their_permissions():
    reporter = Group.objects.get(name="Reporter")
    reporter.permissions.add(Permission.objects.get(codename="publish_article"))
    before = perms("Editor")
    sync_role_groups()
    assert "articles.publish_article" not in perms("Reporter")
    assert perms("Editor") == before


# The permission matrix, on the workflow itself (what every path calls).

MOVES = {
    "submit": (State.DRAFT, lambda a, u: workflow.move(a, by=u, action="submit")),
    "return": (
        State.IN_REVIEW,
        lambda a, u: workflow.move(a, by=u, action="return", note="x"),
    ),
    "approve": (State.IN_REVIEW, lambda a, u: workflow.move(a, by=u, action="approve")),
    "schedule": (
        State.APPROVED,
        lambda a, u: workflow.move(
            a, by=u, action="schedule", at=timezone.now() + timedelta(days=1)
        ),
    ),
    "publish": (State.APPROVED, lambda a, u: workflow.move(a, by=u, action="publish")),
    "unpublish": (State.PUBLISHED, lambda a, u: workflow.move(a, by=u, action="unpublish")),
    "kill": (State.PUBLISHED, lambda a, u: workflow.move(a, by=u, action="kill", note="Legal")),
}
MATRIX = {
    # role: the moves it may make on its own story
    "Reporter": {"submit"},
    "Editor": set(MOVES),
    "Moderator": set(),
    None: set(),  # staff without a role
}


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("move", list(MOVES))
def test_permission_matrix(role, move):
    user = make_staff(role, byline=True)
    start, make_move = MOVES[move]
    article = own_story(user, start)
    if move in MATRIX[role]:
        make_move(article, user)
        assert Article.objects.get(pk=article.pk).status != start
        assert EditorialEvent.objects.get(article=article).actor == user
    else:
        with pytest.raises(workflow.TransitionRefused, match="You may not"):
            make_move(article, user)
        assert Article.objects.get(pk=article.pk).status == start
        assert not EditorialEvent.objects.exists()


@pytest.mark.parametrize("move", list(MOVES))
def test_superuser_makes_every_move(django_user_model, move):
    boss = django_user_model.objects.create_superuser("boss")
    start, make_move = MOVES[move]
    article = own_story(make_staff("Reporter", byline=True), start)
    make_move(article, boss)
    assert Article.objects.get(pk=article.pk).status != start


def test_reporter_cannot_submit_someone_elses_draft(reporter):
    other = own_story(make_staff("Reporter", byline=True))
    with pytest.raises(workflow.TransitionRefused, match="You may not"):
        workflow.move(other, by=reporter, action="submit")


def test_reporter_owns_what_they_filed_even_without_a_byline(reporter):
    filed = make_draft(authors=[make_author()], created_by=reporter)
    workflow.move(filed, by=reporter, action="submit")
    assert Article.objects.get(pk=filed.pk).status == State.IN_REVIEW


def test_desk_editor_moves_only_stories_in_their_sections(editor):
    science, politics = make_section(name="Science"), make_section(name="Politics")
    desk = Desk.objects.create(name="Science desk")
    desk.sections.add(science)
    desk.editors.add(editor)
    ours = make_draft(status=State.IN_REVIEW, section=science)
    theirs = make_draft(status=State.IN_REVIEW, section=politics)
    workflow.move(ours, by=editor, action="approve")
    with pytest.raises(workflow.TransitionRefused, match="You may not"):
        workflow.move(theirs, by=editor, action="approve")
    assert Article.objects.get(pk=theirs.pk).status == State.IN_REVIEW


# Every path through the admin, with crafted POSTs rather than missing buttons.


@pytest.mark.parametrize("move", ["return", "approve", "schedule", "publish", "unpublish", "kill"])
def test_reporter_posting_a_forbidden_move_on_own_draft_changes_nothing(client, reporter, move):
    article = own_story(reporter)
    client.force_login(reporter)
    data = change_form_data(
        client,
        article,
        _transition=move,
        workflow_note="Let me",
        schedule_at=(timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(change_url(article), data, follow=True)
    assert "You may not" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == State.DRAFT
    assert not EditorialEvent.objects.exists()


def test_reporter_cannot_set_the_state_through_the_form(client, reporter):
    article = own_story(reporter)
    client.force_login(reporter)
    data = change_form_data(client, article, status="published", published_at_0="2020-01-01")
    assert client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).status == State.DRAFT


@pytest.mark.parametrize("status", [State.IN_REVIEW, State.APPROVED, State.PUBLISHED])
def test_reporter_cannot_edit_own_story_once_submitted(client, reporter, status):
    article = own_story(reporter, status)
    client.force_login(reporter)
    page = client.get(change_url(article))
    assert page.status_code == 200 and "Save" not in page.content.decode()  # read-only view
    data = {"headline": "Sneaky edit", "_transition": "publish"}
    assert client.post(change_url(article), data).status_code == 403
    assert Article.objects.get(pk=article.pk).headline != "Sneaky edit"


def test_reporter_cannot_open_or_post_to_someone_elses_draft(client, reporter):
    other = own_story(make_staff("Reporter", byline=True))
    client.force_login(reporter)
    refused = client.get(change_url(other))
    assert refused.status_code == 403
    assert "Reporters open the stories they filed or that carry their byline" in (
        refused.content.decode()
    )
    client.post(change_url(other), {"headline": "Sneaky", "_transition": "submit"})
    other.refresh_from_db()
    assert (other.headline, other.status) != ("Sneaky", State.IN_REVIEW)
    assert other.status == State.DRAFT


@pytest.mark.parametrize("action", ["approve_selected", "publish_selected", "unpublish_selected"])
def test_reporter_posting_an_editors_bulk_action_changes_nothing(client, reporter, action):
    article = own_story(reporter, State.IN_REVIEW)
    client.force_login(reporter)
    client.post(CHANGELIST, {"action": action, "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).status == State.IN_REVIEW
    assert not EditorialEvent.objects.exists()


def test_reporter_sees_only_their_own_stories(client, reporter):
    mine = own_story(reporter, headline="My council story")
    make_draft(headline="Somebody else's scoop")
    client.force_login(reporter)
    page = client.get(CHANGELIST).content.decode()
    assert mine.headline in page and "Somebody else" not in page


def test_reporter_files_a_story_and_it_is_theirs(client, reporter):
    client.force_login(reporter)
    add = reverse("admin:articles_article_add")
    data = {
        "headline": "Buses late again",
        "slug": "",
        "dek": "",
        "body": "",
        "excerpt": "",
        "article_type": "news",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "is_commenting_open": "unknown",
    }
    assert client.post(add, data).status_code == 302
    article = Article.objects.get(headline="Buses late again")
    assert article.created_by == reporter and article.status == State.DRAFT
    assert client.get(change_url(article)).status_code == 200


def test_moderator_sees_no_article_editing(client, moderator):
    article = make_draft()
    client.force_login(moderator)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(article)).status_code == 403
    assert client.get(reverse("desk:index")).status_code == 403
    assert "Articles" not in client.get(reverse("admin:index")).content.decode()


def test_desk_editor_sees_and_picks_only_their_sections(client, editor):
    science, politics = make_section(name="Science"), make_section(name="Politics")
    desk = Desk.objects.create(name="Science desk")
    desk.sections.add(science)
    desk.editors.add(editor)
    ours = make_draft(headline="Comet seen", section=science)
    theirs = make_draft(headline="Vote counted", section=politics)
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    assert "Comet seen" in page and "Vote counted" not in page
    # Another desk's story is refused saying whose it is, not that it does not exist.
    refused = client.get(change_url(theirs))
    assert refused.status_code == 403
    Desk.objects.create(name="Politics desk").sections.add(politics)
    page = client.get(change_url(theirs)).content.decode()
    assert "“Vote counted” is in the Politics section" in page
    assert "belongs to the Politics desk" in page and "the Science desk" in page
    assert "doesn" not in page
    # Moving a story to a section off the desk is refused, naming the field.
    data = change_form_data(client, ours, section=str(politics.pk))
    response = client.post(change_url(ours), data)
    assert response.status_code == 200
    assert "section" in response.context["adminform"].form.errors
    desk_post = client.post(change_url(ours), {**data, "section": ""})
    assert "section" in desk_post.context["adminform"].form.errors
    assert Article.objects.get(pk=ours.pk).section == science


def test_another_desks_story_page_query_count_is_fixed(client, editor, django_assert_num_queries):
    Desk.objects.create(name="Science desk").editors.add(editor)
    politics = make_section(name="Politics")
    theirs = make_draft(headline="Vote counted", section=politics)
    Desk.objects.create(name="Politics desk").sections.add(politics)
    client.force_login(editor)
    client.get(change_url(theirs))
    # 1 session, 2 user, 3-4 permissions, 5 this editor's sections (none: nothing to look
    # up on their desk), 6 the story with its section, 7 its desks, 8 this editor's desks
    with django_assert_num_queries(8):
        assert client.get(change_url(theirs)).status_code == 403
    Desk.objects.create(name="Elections desk").sections.add(politics)
    Desk.objects.create(name="Labs desk").editors.add(editor)
    with django_assert_num_queries(8):
        assert client.get(change_url(theirs)).status_code == 403


def test_unlimited_editor_sees_every_section(client, editor):
    make_draft(headline="Comet seen")
    make_draft(headline="Vote counted")
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    assert "Comet seen" in page and "Vote counted" in page
