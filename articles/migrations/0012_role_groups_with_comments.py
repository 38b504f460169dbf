from django.db import migrations


def sync_role_groups(apps, schema_editor):
    from articles.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    # Run after the comments app's own grants, so that articles/roles.py has the last word.
    dependencies = [
        ("articles", "0021_renditions"),
        ("comments", "0002_moderator_group_and_settings"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
