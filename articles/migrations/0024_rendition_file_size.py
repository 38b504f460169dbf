"""Renditions keep their size in bytes, for feed enclosures; existing ones are measured once."""

from django.db import migrations, models


def measure_renditions(apps, schema_editor):
    renditions = apps.get_model("articles", "Rendition").objects.using(
        schema_editor.connection.alias
    )
    last_pk = 0
    # A batch at a time in pk order: SQLite cannot be written under an open read of the table.
    while batch := list(renditions.filter(pk__gt=last_pk).order_by("pk").only("file")[:1000]):
        measured = []
        for rendition in batch:
            try:
                rendition.file_size = rendition.file.size
            except OSError:  # Gone from storage: the length stays unknown (0), as feeds allow.
                continue
            measured.append(rendition)
        renditions.bulk_update(measured, ["file_size"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_article_body_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="rendition",
            name="file_size",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(measure_renditions, migrations.RunPython.noop),
    ]
