"""Renditions are made by the task worker after the save, once, whatever happens to the worker."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage

from library.models import Rendition
from library.renditions import make_renditions
from library.tasks import make_image_renditions
from tests.factories import make_image
from tests.processes import PROJECT, environment, manage

# A 64×48 picture: one width per crop (16:9 64w, 4:3 64w, 1:1 48w, original 64w), two formats.
SMALL_SET = 8


def stored_files(media_root):
    return sorted(path for path in Path(media_root, "renditions").rglob("*") if path.is_file())


@pytest.mark.django_db
def test_saving_a_picture_queues_its_renditions_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        image = make_image()
    assert not image.renditions.exists()  # Nothing made inside the save.
    for callback in callbacks:
        callback()
    assert image.renditions.count() == SMALL_SET
    square = image.renditions.get(crop=Rendition.Crop.SQUARE, format=Rendition.Format.JPEG)
    assert (square.width, square.height) == (48, 48)
    assert square.file_size == square.file.size


@pytest.mark.django_db
def test_renditions_are_made_once_however_often_the_job_runs(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image()
    files = stored_files(media_root)
    ids = set(image.renditions.values_list("pk", flat=True))
    assert make_image_renditions.call(image.pk) is False
    assert make_renditions(image) is False
    assert set(image.renditions.values_list("pk", flat=True)) == ids
    assert stored_files(media_root) == files


@pytest.mark.django_db
def test_moving_the_focal_point_replaces_the_set_and_its_files(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image(size=(160, 90))
    old_files = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x = 0.9
        image.save()
    assert set(image.renditions.values_list("source_key", flat=True)) == {image.source_key()}
    new_files = stored_files(media_root)
    assert len(new_files) == len(old_files) and not set(new_files) & set(old_files)


@pytest.mark.django_db
def test_a_picture_that_cannot_be_read_is_logged_and_keeps_the_original(
    caplog, django_capture_on_commit_callbacks
):
    image = make_image()
    image.file.storage.delete(image.file.name)  # Gone from storage.
    with caplog.at_level(logging.ERROR, logger="library.tasks"):
        assert make_image_renditions.call(image.pk) is False
    assert [record.getMessage() for record in caplog.records] == ["renditions_failed"]
    assert caplog.records[0].fields == {"image": image.pk, "file": image.file.name}
    assert not image.renditions.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_renditions_after_the_save_returns(settings, media_root):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    image = make_image()
    assert not image.renditions.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    run_worker()

    assert image.renditions.count() == SMALL_SET
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_and_restarted_finishes_the_set_once(settings, media_root):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    image = make_image(file=noisy_picture(3600, 2400))
    worker = start_worker()
    try:
        deadline = time.monotonic() + 60
        while not stored_files(media_root):  # Half-way: files written, no rows yet.
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.005)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert not image.renditions.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # Dead with its worker.

    # The restart, as `make run` does it: queue what is missing, then start the worker.
    run_worker(before=["queue_renditions"])
    run_worker(before=["queue_renditions"])  # And once more: no change.

    renditions = list(image.renditions.all())
    assert len(renditions) == len({(r.crop, r.format, r.width) for r in renditions}) == 32
    assert sorted(Path(media_root, r.file.name) for r in renditions) == stored_files(media_root)


def noisy_picture(width, height):
    """A big photograph-like JPEG: slow enough to encode that the worker can be caught mid-job."""
    import io

    from django.core.files.base import ContentFile

    buffer = io.BytesIO()
    PILImage.effect_noise((width, height), 64).convert("RGB").save(buffer, "JPEG", quality=90)
    return ContentFile(buffer.getvalue(), name="crowd.jpg")


@pytest.fixture(autouse=True)
def worker_media_root(monkeypatch, media_root):
    """Worker processes store renditions in this test's folder too."""
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))


def start_worker():
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
        cwd=PROJECT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run_worker(*args, before=()):
    """Run commands, then the worker until the queue is empty, as a second terminal would."""
    for command in before:
        manage(command)
    manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", *args)
