from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from articles.models import Article
from comments import moderation
from comments.models import Comment, WordListTerm

BUSES = "northbridge-approves-year-long-pilot-of-overnight-bus-network"
TREES = "council-sets-out-plan-to-plant-3000-street-trees-by-2030"
TERMS = [("scam", WordListTerm.Kind.SUSPECT), ("idiot*", WordListTerm.Kind.BANNED)]

# article slug, name, email, body, replies to (index), approved by the demo moderator
CONVERSATION = [
    (
        BUSES,
        "Maya Okafor",
        "maya@example.org",
        "I work nights at the hospital. This pilot "
        "means I can stop paying for a taxi home three times a week.",
        None,
        True,
    ),
    (
        BUSES,
        "Tom Reyes",
        "tom@example.org",
        "Good news, but will the buses run on time?\n\nThe day routes are already late.",
        None,
        True,
    ),
    (
        BUSES,
        "Maya Okafor",
        "maya@example.org",
        "The timetable is here: https://example.org/northbridge/night-buses",
        1,
        True,
    ),
    (
        BUSES,
        "First Timer",
        "new@example.org",
        "Long overdue. Thank you for reporting it.",
        None,
        False,
    ),
    (
        BUSES,
        "Sceptic",
        "sceptic@example.org",
        "The whole pilot is a scam to raise fares.",
        None,
        False,
    ),
    (
        BUSES,
        "Angry Reader",
        "angry@example.org",
        "Only an idiot would ride a night bus.",
        None,
        False,
    ),
    (
        TREES,
        "Ruth Alder",
        "ruth@example.org",
        "Which streets come first? Ours has none.",
        None,
        True,
    ),
    (
        TREES,
        "Tom Reyes",
        "tom@example.org",
        "Trees are lovely; the pavements they lift are not.",
        None,
        True,
    ),
]


class Command(BaseCommand):
    help = (
        "Load demo comments through the real moderation pipeline: a conversation, held "
        "comments for the queue, a rejected one and a reported one. Running it again "
        "changes nothing."
    )

    def handle(self, *args, **options):
        if Comment.objects.exists():
            self.stdout.write("Demo comments: already loaded (the site has comments).")
            return
        for term, kind in TERMS:
            WordListTerm.objects.get_or_create(term=term, defaults={"kind": kind})
        articles = Article.objects.published().in_bulk([BUSES, TREES], field_name="slug")
        moderator = get_user_model().objects.filter(username="moderator").first()
        posted = {}  # CONVERSATION index -> comment
        # The demo posts faster than any reader may.
        with override_settings(COMMENT_RATE_LIMITS=[]):
            for n, (slug, name, email, body, reply_to, approve) in enumerate(CONVERSATION):
                if slug not in articles:
                    continue
                article = articles[slug]
                parent = posted.get(reply_to)
                form = moderation.CommentForm(
                    {
                        "name": name,
                        "email": email,
                        "body": body,
                        "parent": parent.pk if parent else "",
                        "token": moderation.issue_form_token(
                            article, at=timezone.now() - timedelta(minutes=5)
                        ),
                    },
                    article=article,
                )
                outcome = moderation.submit(form, ip=f"192.0.2.{n + 1}")
                comment = outcome.comment
                if approve and outcome.is_held:
                    comment = moderation.approve(
                        comment=comment, by=moderator, revision=comment.revision
                    )
                posted[n] = comment
        if 1 in posted:  # Two readers think Tom's question is off-topic: the Reported tab.
            for n, reader in enumerate(["demo-reader-1", "demo-reader-2"], start=1):
                moderation.report(
                    comment=posted[1], reader_key=reader, ip=f"198.51.100.{n}", reason="off_topic"
                )
        held = sum(comment.status == "pending" for comment in posted.values())
        self.stdout.write(
            f"Demo comments: {len(posted)} posted, {held} waiting in the moderation queue."
        )
