from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.moderation import erase


class Command(BaseCommand):
    help = (
        "Erase everything a commenter wrote, for a legal request: names, email, text and "
        "network are wiped, and the erasure is written to the moderation log."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's email address.")
        parser.add_argument(
            "--reference", required=True, help="The legal request's reference, for the log."
        )
        parser.add_argument("--by", help="Username of the staff member carrying it out.")

    def handle(self, *args, email, reference, by=None, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"email: {email!r} is not an email address.") from None
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"--by: no user is called {by!r}.")
        count = erase(email=email, by=user, reference=reference)
        self.stdout.write(f"Erased {count} comment(s) for request {reference}.")
