import pytest
from django.test import Client

from tests.factories import make_staff


@pytest.fixture
def editor(db):
    return make_staff("Editor")


@pytest.fixture
def desk(editor):
    """A browser signed in as an editor (the test's `client` stays an anonymous reader)."""
    client = Client()
    client.force_login(editor)
    return client
