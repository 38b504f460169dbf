"""The Moderator group and its permissions, editors' access to the overview, and the settings row.

get_or_create throughout: the desk's articles migration creates the same groups, and both
must work in either order.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    "moderate_comment",
    "view_moderation_overview",
    "view_comment",
    "view_report",
    "view_moderationlogentry",
    "view_commentsettings",
    "change_commentsettings",
] + [
    f"{verb}_{model}"
    for model in ["wordlistterm", "bannedemail", "banneddomain", "bannednetwork"]
    for verb in ["view", "add", "change", "delete"]
]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations run; this migration needs them now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
    )
    Group.objects.get_or_create(name="Moderator")[0].permissions.add(*permissions)
    overview = permissions.get(codename="view_moderation_overview")
    Group.objects.get_or_create(name="Editor")[0].permissions.add(overview)

    apps.get_model("comments", "CommentSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
