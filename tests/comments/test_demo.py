"""Demo comments for `make run`: through the real pipeline, once."""

import pytest
from django.core.management import call_command

from comments.management.commands.load_demo_comments import BUSES, TREES
from comments.models import Comment, ModerationLogEntry
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_demo_comments_fill_the_thread_and_the_queue_once(capsys, moderator):
    make_article(slug=BUSES)
    make_article(slug=TREES)
    call_command("load_demo_comments")
    assert "Demo comments: 8 posted, 2 waiting in the moderation queue." in capsys.readouterr().out
    statuses = dict(Comment.objects.values_list("name", "status").order_by("pk"))
    assert statuses["First Timer"] == "pending"
    assert statuses["Sceptic"] == "pending"
    assert statuses["Angry Reader"] == "rejected"
    assert Comment.objects.published().count() == 5
    assert Comment.objects.reported().get().name == "Tom Reyes"
    reply = Comment.objects.get(parent__isnull=False)
    assert reply.parent.name == "Tom Reyes" and reply.status == "published"
    assert ModerationLogEntry.objects.filter(action="approved").count() == 5
    call_command("load_demo_comments")
    assert "already loaded" in capsys.readouterr().out
    assert Comment.objects.count() == 8
