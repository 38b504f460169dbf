"""Who may open what: every role against every admin and staff URL and action.

The expectations are the newsroom's policy written out by hand, not read from the code:
when a role gains or loses a permission, or an admin page forgets its check, a cell here
fails. Models registered in the admin later are covered at once (only the superuser may
touch a model the policy does not name).
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article, Desk
from comments.models import Comment
from tests.factories import make_article, make_comment, make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "reporter", "desk_editor", "editor", "moderator", "superuser"]
STAFF_ROLES = ROLES[2:]
LOGIN = reverse("admin:login")

# What each role may do with each model: the policy. The superuser may do everything
# the desk offers at all (see NOT_OFFERED).
ALL = {"add", "change", "delete", "view"}
EDITOR_POLICY = {
    "articles.article": {"add", "change", "view"},
    "articles.section": ALL,
    "articles.author": ALL,
    "taggit.tag": ALL,
    "articles.editorialevent": {"view"},
    "articles.correction": {"add", "change", "view"},
    "articles.previewlink": {"add", "change", "view"},
    "library.image": ALL,
}
COMMENT_MODELS = [
    "comments.comment",
    "comments.moderationlogentry",
    "comments.wordlistterm",
    "comments.bannedemail",
    "comments.banneddomain",
    "comments.bannednetwork",
    "comments.commentsettings",
]
POLICY = {
    "reporter": {
        "articles.article": {"add", "change", "view"},
        "articles.section": {"view"},
        "articles.author": {"view"},
        "taggit.tag": {"view"},
        "library.image": {"add", "change", "view"},
    },
    "desk_editor": EDITOR_POLICY,
    "editor": EDITOR_POLICY,
    "moderator": {
        **dict.fromkeys(COMMENT_MODELS, ALL),
        "comments.comment": {"view"},
        "comments.moderationlogentry": {"view"},
        "comments.commentsettings": {"view", "change"},
    },
}
# What the desk never offers, to anyone: comments change only through moderation
# decisions; the logs, preview links, axes records and task results are written by the system.
NOT_OFFERED = {
    ("comments.comment", "add"),
    ("comments.comment", "change"),
    ("comments.comment", "delete"),
    ("comments.moderationlogentry", "add"),
    ("comments.moderationlogentry", "change"),
    ("comments.moderationlogentry", "delete"),
    ("articles.editorialevent", "add"),
    ("articles.editorialevent", "change"),
    ("articles.editorialevent", "delete"),
    ("articles.previewlink", "add"),  # Made from the article's change form.
    ("comments.commentsettings", "add"),
    ("comments.commentsettings", "delete"),
    ("axes.accessattempt", "add"),
    ("axes.accessattempt", "change"),
    ("axes.accesslog", "add"),
    ("axes.accessfailurelog", "add"),
    ("axes.accessfailurelog", "change"),
    ("django_tasks_database.dbtaskresult", "add"),  # Written by enqueueing a task.
}


def outcome(response):
    """What the person got: login, denied, gone, open (a page), edit (a form to save)."""
    if response.status_code == 302:
        return "login" if response["Location"].startswith(LOGIN) else "gone"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "gone"
    assert response.status_code == 200, response.status_code
    return "edit" if b'name="_save"' in response.content else "open"


def expected_for_model(role, label, view):
    if role in ("anonymous", "reader"):
        return "login"  # The admin sends anyone who is not staff to its login page.
    granted = ALL if role == "superuser" else POLICY[role].get(label, set())
    granted = {p for p in granted if (label, p) not in NOT_OFFERED}
    reads = bool(granted & {"view", "change"})
    if view in ("changelist", "history"):
        return "open" if reads else "denied"
    if view == "add":
        return "edit" if "add" in granted else "denied"
    if view == "change":
        return "edit" if "change" in granted else "open" if reads else "denied"
    return "open" if "delete" in granted else "denied"  # The delete confirmation.


@pytest.fixture
def newsroom():
    """One of each role, and something of every kind for them to open."""
    metro, sport = make_section(name="Metro"), make_section(name="Sport")
    users = {
        "reader": get_user_model().objects.create_user("reader"),
        "superuser": get_user_model().objects.create_superuser("chief"),
        **{
            role: make_staff(group, byline=True)
            for role, group in [
                ("reporter", "Reporter"),
                ("desk_editor", "Editor"),
                ("editor", "Editor"),
                ("moderator", "Moderator"),
            ]
        },
    }
    Desk.objects.create(name="City desk").sections.add(metro)
    Desk.objects.get(name="City desk").editors.add(users["desk_editor"])
    stories = {
        "own draft": make_draft(
            section=metro, created_by=users["reporter"], authors=[users["reporter"].author]
        ),
        "desk story": make_article(section=metro, status=Article.Status.IN_REVIEW),
        "other desk's story": make_article(section=sport, status=Article.Status.IN_REVIEW),
    }
    make_comment(article=stories["desk story"], status=Comment.Status.PENDING)
    return users, stories


def client_for(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


def registered_models():
    return sorted(
        (model._meta.label_lower, model, model_admin)
        for model, model_admin in admin.site._registry.items()
    )


def model_urls(label, model):
    """The admin URLs of one model; the object ones for its first row, if it has one."""
    app_label, name = label.split(".")
    urls = [("changelist", reverse(f"admin:{app_label}_{name}_changelist"))]
    urls.append(("add", reverse(f"admin:{app_label}_{name}_add")))
    if label != "articles.article" and (row := model._default_manager.first()):
        for view in ("change", "history", "delete"):
            urls.append((view, reverse(f"admin:{app_label}_{name}_{view}", args=[row.pk])))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_model_page_follows_the_policy(client, newsroom, role):
    users, _ = newsroom
    client = client_for(client, users, role)
    wrong = []
    for label, model, _ in registered_models():
        for view, url in model_urls(label, model):
            want = expected_for_model(role, label, view)
            got = outcome(client.get(url))
            if view == "changelist" and got == "edit":
                got = "open"  # A list with editable columns has a save button.
            if got != want:
                wrong.append(f"{label} {view}: expected {want}, got {got}")
    assert wrong == []


# Stories are narrowed per desk and per author: each cell written out. A story someone may
# not open is refused (403, naming its desk), not hidden as if it did not exist.
# (anonymous, reader, reporter, desk_editor, editor, moderator, superuser)
STORY_MATRIX = {
    ("own draft", "change"): ("login", "login", "edit", "edit", "edit", "denied", "edit"),
    ("own draft", "history"): ("login", "login", "open", "open", "open", "gone", "open"),
    ("own draft", "delete"): ("login", "login", "denied", "denied", "denied", "denied", "open"),
    ("desk story", "change"): ("login", "login", "denied", "edit", "edit", "denied", "edit"),
    ("desk story", "history"): ("login", "login", "denied", "open", "open", "gone", "open"),
    ("desk story", "delete"): ("login", "login", "denied", "denied", "denied", "denied", "open"),
    ("other desk's story", "change"): (
        "login",
        "login",
        "denied",
        "denied",
        "edit",
        "denied",
        "edit",
    ),
    ("other desk's story", "history"): (
        "login",
        "login",
        "denied",
        "denied",
        "open",
        "gone",
        "open",
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_stories_open_only_to_their_author_and_their_desk(client, newsroom, role):
    users, stories = newsroom
    client = client_for(client, users, role)
    got = {
        (story, view): outcome(
            client.get(reverse(f"admin:articles_article_{view}", args=[stories[story].pk]))
        )
        for story, view in STORY_MATRIX
    }
    want = {cell: row[ROLES.index(role)] for cell, row in STORY_MATRIX.items()}
    assert got == want


# The desk's own pages and the moderation desk.
# (anonymous, reader, reporter, desk_editor, editor, moderator, superuser)
STAFF_PAGES = {
    # A reporter's landing page is their stories: the admin's index sends them there.
    "admin:index": ("login", "login", "gone", "open", "open", "open", "open"),
    "desk:my_stories": ("login", "login", "open", "open", "open", "denied", "open"),
    "desk:notifications": ("login", "login", "open", "open", "open", "denied", "open"),
    "desk:index": ("login", "login", "open", "open", "open", "denied", "open"),
    "desk:calendar": ("login", "login", "open", "open", "open", "denied", "open"),
    "comments:queue": ("login", "denied", "denied", "denied", "denied", "open", "open"),
    "comments:log": ("login", "denied", "denied", "denied", "denied", "open", "open"),
    "comments:overview": ("login", "denied", "denied", "open", "open", "open", "open"),
    # Only editors arrange, preview and publish the front page.
    "frontpage:edit": ("login", "login", "denied", "edit", "edit", "denied", "edit"),
    "frontpage:preview": ("login", "login", "denied", "open", "open", "denied", "open"),
}


@pytest.mark.parametrize("role", ROLES)
def test_desk_and_moderation_pages_follow_the_policy(client, newsroom, role):
    users, _ = newsroom
    client = client_for(client, users, role)
    got = {name: outcome(client.get(reverse(name))) for name in STAFF_PAGES}
    want = {name: row[ROLES.index(role)] for name, row in STAFF_PAGES.items()}
    assert got == want


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_decide_comments(client, newsroom, role):
    users, _ = newsroom
    client = client_for(client, users, role)
    comment = Comment.objects.get()
    response = client.post(
        reverse("comments:decide"),
        {"card": f"approve:{comment.pk}:{comment.revision}", "next": "https://evil.example/"},
    )
    comment.refresh_from_db()
    if role in ("moderator", "superuser"):
        assert response["Location"] == reverse("comments:queue")  # Never off the site.
        assert comment.status == Comment.Status.PUBLISHED
    else:
        assert outcome(response) == ("login" if role == "anonymous" else "denied")
        assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_approve_from_the_story_list(client, newsroom, role):
    users, stories = newsroom
    client = client_for(client, users, role)
    story = stories["desk story"]
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "approve_selected", "_selected_action": [story.pk]},
    )
    story.refresh_from_db()
    approved = story.status == Article.Status.APPROVED
    assert approved == (role in ("desk_editor", "editor", "superuser"))
