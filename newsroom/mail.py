"""Mail that must go out once: the desk's notifications and readers' reply emails."""

from django.db import transaction


def send_once(unsent, message, **stamp):
    """Send `message` if this worker claims `unsent` (the one row, filtered to "not sent
    yet") by writing `stamp` on it. The claim and the send share a transaction: of two
    workers only one sends, and a mail server that refuses leaves the row unclaimed for a
    retry. Returns whether this worker sent it."""
    with transaction.atomic():
        if not unsent.update(**stamp):
            return False
        message.send()
    return True
