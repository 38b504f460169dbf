from django.db import migrations


def sync_role_groups(apps, schema_editor):
    from articles.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    # Reporters and editors get their library permissions once the table exists.
    dependencies = [
        ("library", "0001_initial"),
        ("articles", "0030_reader_list_indexes"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
