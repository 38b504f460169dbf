"""The newsroom's roles as Django groups, and the permissions each one holds.

`sync_role_groups()` is the one place that says what a role may do. Migrations run it
(0011 creates the groups); a later migration that adds models a role should manage
(corrections, preview links, comments) runs it again and the groups catch up. A
permission named here whose model does not exist yet is skipped.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

REPORTER = "Reporter"
EDITOR = "Editor"
MODERATOR = "Moderator"


def _crud(model, actions=("add", "change", "delete", "view")):
    app_label, name = model.split(".")
    return [f"{app_label}.{action}_{name}" for action in actions]


ROLE_PERMISSIONS = {
    # Reporters file and submit their own stories; what they may touch is narrowed per
    # article by articles/workflow.py (their own, while in draft).
    REPORTER: [
        *_crud("articles.article", ["add", "change", "view"]),
        "articles.submit_article",
        *_crud("articles.byline"),
        *_crud("articles.source"),
        "articles.view_section",
        "articles.view_author",
        "taggit.view_tag",
        # They pick and upload pictures for their stories; only editors delete from the library.
        *_crud("library.image", ["add", "change", "view"]),
    ],
    EDITOR: [
        *_crud("articles.article", ["add", "change", "view"]),
        "articles.submit_article",
        "articles.edit_any_article",
        "articles.publish_article",
        *_crud("articles.byline"),
        *_crud("articles.source"),
        *_crud("articles.relatedstory"),
        *_crud("articles.section"),
        *_crud("articles.author"),
        *_crud("taggit.tag"),
        *_crud("library.image"),
        "articles.view_editorialevent",
        # From the revisions work; skipped until those models exist.
        *_crud("articles.correction", ["add", "change", "view"]),
        *_crud("articles.previewlink", ["add", "change", "view"]),
        # Editors watch how moderation goes, but do not moderate; they pick comments.
        "comments.view_moderation_overview",
        "comments.feature_comment",
        # They arrange and publish the home page (frontpage/).
        "frontpage.arrange_front_page",
    ],
    # Moderators decide on comments through the moderation pipeline and keep its lists;
    # they see nothing of articles.
    MODERATOR: [
        "comments.moderate_comment",
        "comments.feature_comment",
        "comments.view_moderation_overview",
        "comments.view_comment",
        "comments.view_report",
        "comments.view_moderationlogentry",
        "comments.view_commentsettings",
        "comments.change_commentsettings",
        *_crud("comments.wordlistterm"),
        *_crud("comments.bannedemail"),
        *_crud("comments.banneddomain"),
        *_crud("comments.bannednetwork"),
    ],
}


def sync_role_groups(apps=global_apps):
    """Create the role groups and set each one's permissions to exactly what its role holds."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # During `migrate` the permissions of new models are only created after the last
    # migration; create them now so that the groups can hold them.
    for app_config in apps.get_app_configs():
        if not hasattr(app_config, "models_module"):  # A migration's stub: it has models.
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = set(names)
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        group.permissions.set(permissions)


def lands_on_my_stories(user):
    """Reporters start the day on their own stories; editors and the rest on the desk's index."""
    return (
        not user.is_superuser
        and user.has_perm("articles.change_article")
        and not user.has_perm("articles.publish_article")
    )
