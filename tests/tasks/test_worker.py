"""The embedded task queue: tasks wait in the database until `manage.py db_worker` runs them."""

import pytest
from django_tasks import TaskResultStatus

from tests.processes import manage
from tests.tasks.probe import add


@pytest.mark.django_db(transaction=True)
def test_worker_process_runs_a_queued_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = add.enqueue(2, 3)
    assert result.status == TaskResultStatus.READY

    manage("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
