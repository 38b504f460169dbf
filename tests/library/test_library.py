"""The media library at the desk: uploads, bulk uploads, the list, search and filters."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Image
from tests.factories import make_image, make_staff
from tests.library.conftest import picture_bytes, picture_upload

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:library_image_changelist")
ADD_URL = reverse("admin:library_image_add")
UPLOAD_URL = reverse("admin:library_image_upload")


def test_editor_adds_a_picture_which_is_reencoded_and_signed(client, editor, media_root):
    client.force_login(editor)
    original = picture_bytes(image_format="PNG") + b"<script>alert(1)</script>"
    response = client.post(
        ADD_URL,
        {
            "file": SimpleUploadedFile("../../evil.html.png", original),
            "title": "Harbour at dawn",
            "alt": "Fishing boats in the harbour at dawn",
            "credit": "Photo: Ada Byron",
            "source": "Staff photographer",
            "tags": "harbour, boats",
            "focal_x": "0.25",
            "focal_y": "0.75",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    stored = Path(image.file.path)
    assert stored.is_relative_to(media_root / "library")
    assert "evil" not in stored.name and b"<script>" not in stored.read_bytes()
    assert (image.width, image.height) == (64, 48)
    assert (image.focal_x, image.focal_y) == (0.25, 0.75)
    assert image.uploaded_by == editor
    assert sorted(image.tags.names()) == ["boats", "harbour"]


def test_a_refused_file_is_named_with_the_reason(client, editor):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        {"file": SimpleUploadedFile("notes.svg", b"<svg onload=alert(1)>"), "title": "x"},
    )
    assert response.status_code == 200
    assert "“notes.svg” was refused" in response.content.decode()
    assert not Image.objects.exists()


def test_bulk_upload_keeps_every_good_file_and_names_each_refused_one(client, editor):
    client.force_login(editor)
    files = [picture_upload(f"street-{n}.jpg") for n in range(3)]
    files.insert(1, SimpleUploadedFile("broken.jpg", b"not a picture at all"))
    response = client.post(UPLOAD_URL, {"files": files}, follow=True)
    assert sorted(Image.objects.values_list("title", flat=True)) == [
        "street 0",
        "street 1",
        "street 2",
    ]
    messages = [str(message) for message in response.context["messages"]]
    assert "Added 3 picture(s) to the library." in messages
    assert any("“broken.jpg” was refused" in message for message in messages)
    assert set(Image.objects.values_list("uploaded_by", flat=True)) == {editor.pk}


def test_bulk_upload_answers_each_file_in_json_for_the_progress_page(client, editor):
    client.force_login(editor)
    good = client.post(
        UPLOAD_URL, {"files": [picture_upload("pier.jpg")]}, headers={"accept": "application/json"}
    )
    bad = client.post(
        UPLOAD_URL,
        {"files": [SimpleUploadedFile("pier.gif", b"GIF89a garbage")]},
        headers={"accept": "application/json"},
    )
    assert good.status_code == 200
    assert json.loads(good.content)["added"][0]["title"] == "pier"
    assert bad.status_code == 400
    assert "“pier.gif” was refused" in json.loads(bad.content)["refused"][0]["reason"]


def test_reporter_without_the_add_permission_cannot_bulk_upload(client, db):
    client.force_login(make_staff())
    response = client.post(UPLOAD_URL, {"files": [picture_upload()]})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_library_searches_and_filters_by_tag_and_uploader(client, editor):
    client.force_login(editor)
    harbour = make_image(title="Harbour at dawn", uploaded_by=editor)
    harbour.tags.add("sea")
    make_image(title="Council chamber")
    assert list(client.get(LIST_URL, {"q": "harbour"}).context["cl"].result_list) == [harbour]
    assert list(
        client.get(LIST_URL, {"tags__id__exact": harbour.tags.get().pk}).context["cl"].result_list
    ) == [harbour]
    assert list(
        client.get(LIST_URL, {"uploaded_by__id__exact": editor.pk}).context["cl"].result_list
    ) == [harbour]


def test_library_flags_and_filters_pictures_a_story_could_not_show_yet(client, editor):
    """The publish checklist refuses a picture without alt text or a credit: the list says
    which ones lack them (whitespace counts as nothing written) and finds them."""
    client.force_login(editor)
    ready = make_image(title="Described")
    no_alt = make_image(title="Undescribed", alt="  ")
    no_credit = make_image(title="Uncredited", credit="")
    page = client.get(LIST_URL).content.decode()
    flags = [f'class="library-missing">{flag}<' for flag in ("No alt text", "No credit")]
    assert [page.count(flag) for flag in flags] == [1, 1]
    assert ready.credit in page
    for missing, expected in [("alt", [no_alt]), ("credit", [no_credit])]:
        found = client.get(LIST_URL, {"missing": missing}).context["cl"].result_list
        assert list(found) == expected
    assert set(client.get(LIST_URL).context["cl"].result_list) == {ready, no_alt, no_credit}


def test_library_list_query_count_is_fixed(client, editor, django_assert_num_queries):
    client.force_login(editor)
    make_image()
    client.get(LIST_URL)  # Warm the content types.
    for _ in range(5):
        make_image(uploaded_by=editor).tags.add("sea")
    # 1 session, 2 user, 3-4 user and group permissions, 5 tags used by images (filter),
    # 6 uploaders (filter), 7 count, 8 count all, 9 page of images with their uploaders,
    # 10 their renditions (thumbnails)
    with django_assert_num_queries(10):
        assert client.get(LIST_URL).status_code == 200


def test_focal_point_picker_shows_the_picture_and_the_typed_numbers(client, editor):
    client.force_login(editor)
    image = make_image(focal_x=0.2, focal_y=0.3)
    page = client.get(reverse("admin:library_image_change", args=[image.pk])).content.decode()
    assert "data-focal-picker" in page and image.file.url in page
    assert 'name="focal_x" value="0.2"' in page
    assert "library/focal-point." in page


def test_choices_answer_for_one_picture_by_id_and_ignore_an_id_that_is_not_one(client, editor):
    """The publish checklist asks how a picture added through the "+" popup is described."""
    client.force_login(editor)
    described = make_image(title="Quay at noon")
    make_image(title="Harbour wall", alt="")
    field = {"app_label": "articles", "model_name": "article", "field_name": "lead_image"}
    url = reverse("admin:library_image_choices")
    [found] = client.get(url, {"id": described.pk, "term": "", **field}).json()["results"]
    assert found["id"] == str(described.pk)
    assert found["has_alt_text"] and found["has_credit"]
    for hostile in ["x", "0", "-1", "9" * 30, ":"]:
        response = client.get(url, {"id": hostile, "term": "", **field})
        assert response.status_code == 200
        assert len(response.json()["results"]) == 2
