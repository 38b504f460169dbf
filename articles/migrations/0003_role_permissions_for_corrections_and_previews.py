from django.db import migrations


def sync_role_groups(apps, schema_editor):
    """Give the role groups the corrections and preview-link permissions articles/roles.py names."""
    from articles.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_corrections_slugs_revisions_previews")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
