"""A task for the worker test: the worker imports it by its module path, as it would ours."""

from django_tasks import task


@task()
def add(a, b):
    return a + b
