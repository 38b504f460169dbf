from django.db import migrations


def sync_role_groups(apps, schema_editor):
    from articles.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    # After the comments tables exist, so that the groups get their permissions too.
    dependencies = [
        ("articles", "0021_renditions"),
        ("comments", "0002_settings_row"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
