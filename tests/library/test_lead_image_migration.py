"""articles 0034 moves every story's lead image into the library, and back."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.apps import create_sqlite_search_index
from tests.library.conftest import picture_bytes

BEFORE = [("articles", "0033_revision_origin"), ("library", "0002_role_permissions")]
AFTER = [("articles", "0034_lead_image_from_the_library")]


def migrate(targets):
    """Migrate to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0033():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    # SQLite rebuilt the articles table: its search triggers are made again, as migrate does.
    create_sqlite_search_index("default")


@pytest.mark.django_db(transaction=True)
def test_lead_images_move_into_the_library_keeping_picture_words_and_focal_point(at_0033):
    Article = at_0033.get_model("articles", "Article")
    Revision = at_0033.get_model("articles", "Revision")
    name = default_storage.save("lead/2026/12/harbour.jpg", ContentFile(picture_bytes(64, 48)))
    common = {"status": "draft", "body": "", "body_html": "", "body_text": ""}
    story = Article.objects.create(
        headline="Harbour wall repaired",
        slug="harbour",
        lead_image=name,
        lead_image_width=64,
        lead_image_height=48,
        lead_image_alt="The north wall at high water",
        lead_image_caption="Repaired in a week",
        lead_image_credit="Photo: Ada",
        focal_x=0.25,
        focal_y=0.75,
        **common,
    )
    # A second story with the same picture and its own alt text: one library image.
    second = Article.objects.create(
        headline="Harbour reopens",
        slug="reopens",
        lead_image=name,
        lead_image_width=64,
        lead_image_height=48,
        lead_image_alt="Boats back at the wall",
        lead_image_caption="Repaired in a week",
        lead_image_credit="Photo: Ada",
        **common,
    )
    plain = Article.objects.create(headline="No picture", slug="plain", **common)
    Revision.objects.create(article=story, number=1, snapshot={"lead_image": name})

    apps = migrate(AFTER)
    Image = apps.get_model("library", "Image")
    (image,) = Image.objects.all()
    assert (image.file.name, image.width, image.height) == (name, 64, 48)
    assert (image.alt, image.caption, image.credit) == (
        "The north wall at high water",
        "Repaired in a week",
        "Photo: Ada",
    )
    assert (image.focal_x, image.focal_y) == (0.25, 0.75)
    Article = apps.get_model("articles", "Article")
    story, second, plain = (Article.objects.get(pk=pk) for pk in (story.pk, second.pk, plain.pk))
    assert story.lead_image_id == second.lead_image_id == image.pk and plain.lead_image_id is None
    # The library's words stand for the story; only a different alt text stays its own.
    assert (story.lead_image_alt, story.lead_image_caption, story.lead_image_credit) == ("", "", "")
    assert second.lead_image_alt == "Boats back at the wall"
    revision = apps.get_model("articles", "Revision").objects.get()
    assert revision.snapshot["lead_image"] == image.pk

    apps = migrate(BEFORE)
    Article = apps.get_model("articles", "Article")
    story, second = Article.objects.get(pk=story.pk), Article.objects.get(pk=second.pk)
    assert story.lead_image.name == second.lead_image.name == name
    assert (story.lead_image_width, story.lead_image_height) == (64, 48)
    assert (story.lead_image_alt, story.lead_image_credit) == (
        "The north wall at high water",
        "Photo: Ada",
    )
    assert second.lead_image_alt == "Boats back at the wall"
    assert (story.focal_x, story.focal_y) == (0.25, 0.75)
    assert apps.get_model("articles", "Revision").objects.get().snapshot["lead_image"] == name
