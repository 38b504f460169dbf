"""The media library in Chromium: a picture editor uploads a batch with a bad file in it,
sets a focal point by clicking the picture, and every library page passes axe at both widths."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from library.models import Image as LibraryImage
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, axe_violations, log_in, screenshot
from tests.factories import make_article, make_image, make_staff


def jpeg(size=(640, 480), colour=(40, 90, 120)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def picture_file(name, content):
    """A file as Playwright puts it into a file input."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": content}


@pytest.fixture
def editor(live_server):
    return make_staff("Editor", password=PASSWORD)


def test_bulk_upload_adds_every_good_picture_and_names_the_refused_one(page, media_root, editor):
    good = [picture_file(f"harbour-{n:02}.jpg", jpeg(colour=(n, 90, 120))) for n in range(19)]
    # A JPEG's name on something that is no picture at all: a truncated download.
    bad = picture_file("quay-at-dawn.jpg", jpeg()[:200])
    files = [*good[:7], bad, *good[7:]]

    log_in(page, editor)
    page.goto(reverse("admin:library_image_changelist"))
    page.get_by_role("link", name="Upload pictures").click()
    page.get_by_label("Pictures").set_input_files(files)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="Back to the library")).to_be_visible()
    expect(page.locator("[data-bulk-upload-done]")).to_contain_text("19 added, 1 refused")

    rows = page.locator("[data-bulk-upload-list] li")
    expect(rows).to_have_count(20)
    for n, file in enumerate(files):
        row = rows.nth(n)
        expect(row).to_contain_text(file["name"])
        bar = row.get_by_role("progressbar", name=f"Uploading {file['name']}")
        expect(bar).to_have_attribute("value", "100")
    refused = rows.nth(7).locator(".refused")
    expect(refused).to_contain_text("“quay-at-dawn.jpg” was refused")
    expect(page.locator(".refused")).to_have_count(1)
    expect(page.locator(".added")).to_have_count(19)
    assert axe_violations(page) == []
    screenshot(page, "library-bulk-upload-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "library-bulk-upload-390")

    titles = set(LibraryImage.objects.values_list("title", flat=True))
    assert titles == {f"harbour {n:02}" for n in range(19)}
    assert set(LibraryImage.objects.values_list("uploaded_by", flat=True)) == {editor.pk}
    # Each added picture's row leads to its page, where it is described.
    rows.nth(0).get_by_role("link", name="describe “harbour 00”").click()
    expect(page.get_by_label("Alt text")).to_be_visible()
    assert page.url.endswith(LibraryImage.objects.get(title="harbour 00").get_absolute_url())


def test_clicking_the_picture_sets_its_focal_point(page, media_root, editor):
    image = make_image(size=(800, 600))
    log_in(page, editor)
    page.goto(reverse("admin:library_image_change", args=[image.pk]))
    # "View on site" opens the picture itself, not this page again.
    expect(page.get_by_role("link", name="View on site")).to_have_attribute("href", image.file.url)
    picture = page.locator("[data-focal-picker] img")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    across, down = 0.3, 0.25  # where a picture editor puts the subject
    picture.click(position={"x": box["width"] * across, "y": box["height"] * down})
    # The marker shows the point where the click was.
    marker = page.locator(".focal-marker").bounding_box()
    centre = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    clicked = (box["x"] + box["width"] * across, box["y"] + box["height"] * down)
    assert centre == pytest.approx(clicked, abs=3)
    screenshot(page, "library-focal-point-1280")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == pytest.approx((across, down), abs=0.01)


def test_library_pages_have_no_accessibility_violations(page, media_root, editor):
    used = make_image(title="Harbour wall at dusk", size=(1200, 675))
    used.tags.add("coast")
    make_article(headline="Harbour wall holds", lead_image=used)
    for n in range(3):
        make_image(title=f"Quay picture {n}", size=(640, 480))
    log_in(page, editor)
    page.goto(reverse("admin:library_image_changelist"))
    expect(page.get_by_role("link", name="No tags")).to_be_visible()  # not "-"
    pages = {
        "library-list": reverse("admin:library_image_changelist"),
        "library-upload": reverse("admin:library_image_upload"),
        "library-change": reverse("admin:library_image_change", args=[used.pk]),
    }
    for name, url in pages.items():
        for width, viewport in [("1280", DESKTOP), ("390", PHONE)]:
            page.set_viewport_size(viewport)
            page.goto(url)
            assert axe_violations(page) == [], f"{name} at {width} px"
            screenshot(page, f"{name}-{width}")
