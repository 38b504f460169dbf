from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import workflow
from articles.desk import desk_time

# A story moved this long after its time means the command is not running often enough.
OVERDUE_AFTER_MINUTES = 5


class Command(BaseCommand):
    help = (
        "Move scheduled stories whose time has come to published, and stories past their "
        "unpublish time to unpublished. Readers see them at their time anyway; safe to run "
        "every minute, and two copies at once do the work once."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        moved = workflow.publish_due(now=now)
        for article, action in moved:
            at = article.published_at if action == workflow.Action.PUBLISH else article.unpublish_at
            late = int((now - at).total_seconds() // 60)
            when = desk_time(at)
            line = f"{action.label}: “{article.headline}” (due {when})"
            if late >= OVERDUE_AFTER_MINUTES:
                self.stdout.write(self.style.WARNING(f"{line}: overdue by {late} minutes"))
            else:
                self.stdout.write(line)
        if not moved:
            self.stdout.write("Nothing due.")
