"""Lead images move into the media library: each story's picture becomes a library image
(its file, alt text, caption, credit and focal point kept) that the story points at, the
story's own image fields and renditions go, and pictures named in bodies get a table.

Reversible: going back copies each story's library picture and words into the old fields
(the library images stay; renditions are made again by the old code's make_renditions).
"""

import django.db.models.deletion
from django.db import migrations, models


def into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Rendition = apps.get_model("articles", "Rendition")
    Revision = apps.get_model("articles", "Revision")
    Image = apps.get_model("library", "Image")
    by_name = {}
    # The oldest story with a picture gives the library its words; later ones keep theirs
    # as overrides where they differ.
    stories = Article.objects.exclude(lead_image="").exclude(lead_image__isnull=True)
    for article in stories.order_by("pk"):
        name = article.lead_image.name
        if name not in by_name:
            image = Image(
                file=name,
                # Sizes were stored with the story; the file is opened only if they were not.
                width=article.lead_image_width or 0,
                height=article.lead_image_height or 0,
                title=article.headline[:200],
                alt=article.lead_image_alt,
                caption=article.lead_image_caption,
                credit=article.lead_image_credit,
                focal_x=0.5 if article.focal_x is None else article.focal_x,
                focal_y=0.5 if article.focal_y is None else article.focal_y,
                uploaded_at=article.created_at,
            )
            image.save()
            by_name[name] = image
        image = by_name[name]
        # The library's words are the story's now; an override stays only where they differ.
        Article.objects.filter(pk=article.pk).update(
            library_image=image,
            lead_image_alt="" if article.lead_image_alt == image.alt else article.lead_image_alt,
            lead_image_caption=(
                "" if article.lead_image_caption == image.caption else article.lead_image_caption
            ),
            lead_image_credit=(
                "" if article.lead_image_credit == image.credit else article.lead_image_credit
            ),
        )
    # Revisions name the picture by its library id from now on (a name no story uses is
    # left as it is: restoring such a revision keeps the story's present picture).
    for revision in Revision.objects.all().iterator():
        name = revision.snapshot.get("lead_image")
        if isinstance(name, str):
            revision.snapshot["lead_image"] = by_name[name].pk if name in by_name else (name or None)
            revision.save(update_fields=["snapshot"])
    # The old renditions are remade by the library's worker; their files would linger.
    for rendition in Rendition.objects.all():
        rendition.file.storage.delete(rendition.file.name)


def out_of_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    Image = apps.get_model("library", "Image")
    for article in Article.objects.filter(library_image__isnull=False).select_related(
        "library_image"
    ):
        image = article.library_image
        Article.objects.filter(pk=article.pk).update(
            lead_image=image.file.name,
            lead_image_width=image.width,
            lead_image_height=image.height,
            lead_image_alt=article.lead_image_alt or image.alt,
            lead_image_caption=article.lead_image_caption or image.caption,
            lead_image_credit=article.lead_image_credit or image.credit,
            focal_x=image.focal_x,
            focal_y=image.focal_y,
        )
    names = dict(Image.objects.values_list("pk", "file"))
    for revision in Revision.objects.all().iterator():
        image_id = revision.snapshot.get("lead_image", "")
        if not isinstance(image_id, str):
            revision.snapshot["lead_image"] = names.get(image_id, "")
            revision.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    # PostgreSQL refuses to alter a table with pending trigger events (the rows just written):
    # the data step commits in a transaction of its own, before the columns go.
    atomic = False

    dependencies = [
        ("articles", "0033_revision_origin"),
        ("library", "0002_role_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="library_image",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stories",
                to="library.image",
            ),
        ),
        migrations.RunPython(into_library, out_of_library),
        migrations.RemoveField(model_name="article", name="lead_image"),
        migrations.RemoveField(model_name="article", name="lead_image_width"),
        migrations.RemoveField(model_name="article", name="lead_image_height"),
        migrations.RemoveField(model_name="article", name="focal_x"),
        migrations.RemoveField(model_name="article", name="focal_y"),
        migrations.DeleteModel(name="Rendition"),
        migrations.RenameField(model_name="article", old_name="library_image", new_name="lead_image"),
        migrations.AlterField(
            model_name="article",
            name="lead_image_alt",
            field=models.CharField(
                blank=True,
                help_text="Blank: the library's alt text.",
                max_length=300,
                verbose_name="alt text",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="lead_image_caption",
            field=models.CharField(
                blank=True,
                help_text="Blank: the library's caption.",
                max_length=500,
                verbose_name="caption",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="lead_image_credit",
            field=models.CharField(
                blank=True,
                help_text="Blank: the library's credit.",
                max_length=200,
                verbose_name="credit",
            ),
        ),
        migrations.CreateModel(
            name="BodyImage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="articles.article"
                    ),
                ),
                (
                    "image",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="library.image"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "image"), name="body_image_once"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="body_images",
            field=models.ManyToManyField(
                blank=True,
                related_name="body_of",
                through="articles.BodyImage",
                to="library.image",
            ),
        ),
    ]
