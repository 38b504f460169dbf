"""The legal erasure command: the person's data goes, the record of it stays."""

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment, ConfirmedEmail, LogAction, ModerationLogEntry, Report
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def test_erasure_wipes_the_commenters_data_and_logs_it(moderator, capsys):
    mine = [
        make_comment(email="Gone@Example.org", name="Gone Person", body="My words"),
        make_comment(
            email="gone@example.org",
            status="pending",
            body="Held words",
            reader_key="their-reader-id",
            wants_reply_emails=True,
        ),
    ]
    ConfirmedEmail.objects.create(email="gone@example.org")
    Report.objects.create(comment=mine[0], reader_key="k", reason="other", note="quotes My words")
    theirs = make_comment(email="stays@example.org", parent=None, body="Other words")
    call_command("erase_commenter", "gone@example.org", "--reference", "GDPR-17", "--by", "moira")
    assert "Erased 2 comment(s) for request GDPR-17." in capsys.readouterr().out
    for comment in mine:
        comment.refresh_from_db()
        assert (comment.name, comment.body, comment.ip_network, comment.status) == (
            "[erased]",
            "",
            "",
            "removed",
        )
        assert (comment.reader_key, comment.wants_reply_emails) == ("", False)
        assert "gone" not in comment.email
    assert not Comment.objects.filter(body__contains="words", email__contains="gone").exists()
    assert Report.objects.get().note == ""
    assert not ConfirmedEmail.objects.exists()
    entries = ModerationLogEntry.objects.filter(action=LogAction.ERASED)
    assert entries.count() == 2
    assert set(entries.values_list("reason", "actor__username")) == {
        ("legal request GDPR-17", "moira")
    }
    theirs.refresh_from_db()
    assert theirs.body == "Other words"


def test_erasure_with_nothing_to_erase_is_still_on_record():
    call_command("erase_commenter", "nobody@example.org", "--reference", "REQ-2")
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.reason) == ("erased", "legal request REQ-2: nothing found")


@pytest.mark.parametrize(
    "args, message",
    [
        (["not-an-email", "--reference", "R"], "email: 'not-an-email' is not an email address."),
        (
            ["a@example.org", "--reference", "R", "--by", "ghost"],
            "--by: no user is called 'ghost'.",
        ),
    ],
)
def test_erasure_refuses_bad_arguments_and_erases_nothing(args, message):
    make_comment(email="a@example.org")
    with pytest.raises(CommandError, match=message):
        call_command("erase_commenter", *args)
    assert Comment.objects.get().email == "a@example.org"
    assert not ModerationLogEntry.objects.exists()
