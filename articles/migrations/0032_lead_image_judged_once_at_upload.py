"""The lead image is judged once, as an upload (articles/images.py): the field no longer runs
the upload's checks on the re-encoded copy it stores (a 7.6 MB upload re-encoded to 11 MB was
refused for its copy's size)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0031_desk_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="lead_image",
            field=models.ImageField(
                blank=True,
                height_field="lead_image_height",
                upload_to="lead/%Y/%m/",
                width_field="lead_image_width",
            ),
        ),
    ]
