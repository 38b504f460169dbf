from django.db import migrations


def sync_role_groups(apps, schema_editor):
    from articles.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    # Editors get `arrange_front_page` (articles/roles.py) once the table exists.
    dependencies = [
        ("frontpage", "0001_initial"),
        ("articles", "0033_revision_origin"),
        ("library", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
