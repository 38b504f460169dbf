"""The editorial workflow: every move of an article from state to state, and who may make it.

draft → in review → approved → scheduled or published; published → unpublished; any
non-draft → killed (with a reason readers see); in review → back to draft (with a note for
the reporter). Each move checks the actor's permission and the story's state, runs the
publish checks where the story is about to go out, records an EditorialEvent, and is
refused with TransitionRefused, changing nothing, when any of that fails. The moves are one
table (TRANSITIONS), which also names the buttons; the admin's buttons, its bulk actions,
the importer and the management commands all go through `move()`.

`by=None` is the system (the importer, the scheduler): it holds every permission.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from articles import notifications
from articles.desk import desk_time
from articles.models import Article, ArticleStatus, Desk, EditorialAction, EditorialEvent

State = ArticleStatus
Action = EditorialAction
SUBMIT_PERMISSION = "articles.submit_article"
PUBLISH_PERMISSION = "articles.publish_article"


class TransitionRefused(Exception):
    """A move the workflow will not make; `problems` lists what is missing, if anything."""

    def __init__(self, message, problems=()):
        self.message = message
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self):
        if self.problems:
            return f"{self.message}: missing {', '.join(self.problems)}."
        return self.message


@dataclass(frozen=True)
class Transition:
    """One row of the workflow's table: a move, its button and who may make it."""

    label: str  # the change form's button
    verb: str  # in sentences: "You may not publish …"
    sources: tuple
    target: str
    permission: str
    runs_checks: bool = False
    requires_note: str = ""  # what the note is, when the move needs one
    bulk_label: str = ""  # the article list's bulk action, for moves offered in bulk
    approves_first: bool = False  # from in review: approve, then this (both in the log)
    asks_first: bool = False  # the form asks to confirm, with the note field beside it


# The one table of moves; the change form's buttons and the bulk actions are made from it.
TRANSITIONS = {
    Action.SUBMIT: Transition(
        "Submit for review",
        "submit for review",
        (State.DRAFT,),
        State.IN_REVIEW,
        SUBMIT_PERMISSION,
        bulk_label="Submit selected articles for review",
    ),
    Action.RETURN: Transition(
        "Return to reporter",
        "return to the reporter",
        (State.IN_REVIEW,),
        State.DRAFT,
        PUBLISH_PERMISSION,
        requires_note="a note for the reporter",
        asks_first=True,
    ),
    Action.APPROVE: Transition(
        "Approve",
        "approve",
        (State.IN_REVIEW,),
        State.APPROVED,
        PUBLISH_PERMISSION,
        runs_checks=True,
        bulk_label="Approve selected articles",
    ),
    # "Publish now" and "Schedule for …" are never confused: the form names the time.
    Action.SCHEDULE: Transition(
        "Schedule",
        "schedule",
        (State.APPROVED, State.SCHEDULED, State.UNPUBLISHED),
        State.SCHEDULED,
        PUBLISH_PERMISSION,
        runs_checks=True,
    ),
    Action.PUBLISH: Transition(
        "Publish now",
        "publish",
        (State.APPROVED, State.SCHEDULED, State.UNPUBLISHED),
        State.PUBLISHED,
        PUBLISH_PERMISSION,
        runs_checks=True,
        bulk_label="Publish selected articles now",
        # One click from review to live: the editor publishing it is approving it.
        approves_first=True,
    ),
    Action.UNPUBLISH: Transition(
        "Unpublish",
        "unpublish",
        (State.PUBLISHED, State.SCHEDULED),
        State.UNPUBLISHED,
        PUBLISH_PERMISSION,
        bulk_label="Unpublish selected articles",
        asks_first=True,
    ),
    Action.KILL: Transition(
        "Kill",
        "kill",
        (State.IN_REVIEW, State.APPROVED, State.SCHEDULED, State.PUBLISHED, State.UNPUBLISHED),
        State.KILLED,
        PUBLISH_PERMISSION,
        requires_note="a reason (readers see it in place of the story)",
        asks_first=True,
    ),
}


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    applies: bool = True  # False: nothing to check (no lead image, so no alt text needed)


def publish_checklist(article):
    """The publish checks, each passing or failing; approve, schedule and publish need all."""
    has_image = article.lead_image_id is not None
    return [
        Check("headline", "headline", bool(article.headline.strip())),
        Check("dek", "dek", bool(article.dek.strip())),
        Check("section", "section", article.section_id is not None),
        Check("byline", "a byline", article.bylines.exists()),
        Check("source", "a source with a URL", article.sources.exclude(url="").exists()),
        Check("body", "body text", bool(article.body.strip())),
        Check(
            "lead_image_alt",
            "alt text for the lead image",
            not has_image or bool(article.lead_alt().strip()),
            applies=has_image,
        ),
        Check(
            "lead_image_credit",
            "credit for the lead image",
            not has_image or bool(article.lead_credit().strip()),
            applies=has_image,
        ),
    ]


def is_own(user, article):
    """Whether the story is the user's: they filed it or their byline is on it."""
    return article.created_by_id == user.pk or article.bylines.filter(author__user=user).exists()


def can_edit(user, article):
    """Editors edit any story on their desks; reporters their own while it is a draft."""
    if user is None or user.is_superuser:
        return True
    if user.has_perm("articles.edit_any_article"):
        sections = Desk.section_ids_for(user)
        return sections is None or article.section_id in sections
    return (
        user.has_perm("articles.change_article")
        and article.status == State.DRAFT
        and is_own(user, article)
    )


def allowed_actions(user, article):
    """The moves this user could make on the story now (the publish checks aside)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if (
            article.status in transition.sources
            or (transition.approves_first and article.status == State.IN_REVIEW)
        )
        and (user.has_perm(transition.permission) and can_edit(user, article))
    ]


@transaction.atomic
def move(article, *, by, action, note="", at=None):
    """Make one move of the table on the story, as `by`; `at` is the time to schedule for.

    Refused with TransitionRefused, changing nothing, when `by` may not make it, the story is
    in another state, a needed note is missing or a publish check fails. "Publish now" on a
    story in review approves it first: two moves, both logged, or neither.
    """
    if action == Action.SCHEDULE and (at is None or at <= timezone.now()):
        raise TransitionRefused(
            f"Cannot schedule “{article.headline}”: pick a time in the future "
            "(to publish at once, use Publish now)"
        )
    in_review = Article.objects.filter(pk=article.pk, status=State.IN_REVIEW)
    if TRANSITIONS[action].approves_first and in_review.exists():
        _move(article, by=by, action=Action.APPROVE, note=note)
    return _move(article, by=by, action=action, note=note, at=at)


@transaction.atomic
def assign(*, article, by, assignee, due_at):
    """Give the story to someone, due at a time; the log records the hand-over."""
    if by is not None and not (by.has_perm(PUBLISH_PERMISSION) and can_edit(by, article)):
        raise TransitionRefused(f"You may not assign “{article.headline}”")
    article.assignee, article.due_at = assignee, due_at
    article.save(update_fields=["assignee", "due_at", "modified_at"])
    who = assignee.get_username() if assignee else "nobody"
    due = f", due {desk_time(due_at)}" if due_at else ""
    return _record(article, by=by, action=Action.ASSIGN, from_state=article.status, note=who + due)


def publish_due(*, now=None):
    """Do what a scheduled time reaching now implies; returns (moved article, action) pairs.

    Readers already see a scheduled story at its time (Article.objects.published()); this
    moves its state to published and stamps its first publication, and moves stories past
    their unpublish time to unpublished. Running it twice, or twice at once, does the work
    once: each move re-reads the row under a lock and skips it if another run got there.
    """
    now = now or timezone.now()
    due = {
        Action.PUBLISH: Article.objects.due_to_publish(now),
        Action.UNPUBLISH: Article.objects.due_to_unpublish(now),
    }
    moved = []
    for action, articles in due.items():
        for article in articles.order_by("published_at", "pk"):
            try:
                _move(
                    article, by=None, action=action, note="Its scheduled time came.", checks=False
                )
            except TransitionRefused:
                continue  # Another run moved it first.
            moved.append((article, action))
    return moved


@transaction.atomic
def _move(article, *, by, action, note="", at=None, checks=True):
    transition = TRANSITIONS[action]
    # Decide on the row as it is now, locked, not on what the caller loaded earlier.
    current = Article.objects.select_for_update().get(pk=article.pk)
    headline = f"“{current.headline}”"
    if by is not None and not (by.has_perm(transition.permission) and can_edit(by, current)):
        raise TransitionRefused(f"You may not {transition.verb} {headline}")
    if current.status not in transition.sources:
        raise TransitionRefused(
            f"Cannot {transition.verb} {headline}: it is {current.get_status_display().lower()}"
        )
    note = note.strip()
    if transition.requires_note and not note:
        raise TransitionRefused(f"To {transition.verb} {headline}, give {transition.requires_note}")
    if checks and transition.runs_checks:
        missing = [check.label for check in publish_checklist(current) if not check.passed]
        if missing:
            raise TransitionRefused(f"Cannot {transition.verb} {headline}", missing)

    from_state = current.status
    current.status = transition.target
    changed = ["status", "modified_at"]
    now = timezone.now()
    if action == Action.PUBLISH:
        # A scheduled story whose time has passed has been live since then; a story readers
        # have seen before keeps its first date, so republishing it is not news again.
        was_due = from_state == State.SCHEDULED and current.published_at <= now
        if not was_due:
            current.published_at = current.first_published_at or now
        current.first_published_at = current.first_published_at or current.published_at
        changed += ["published_at", "first_published_at"]
    elif action == Action.SCHEDULE:
        current.published_at = at
        changed.append("published_at")
    elif action == Action.KILL:
        current.kill_notice = note
        changed.append("kill_notice")
    current.save(update_fields=changed)
    for field in changed:
        setattr(article, field, getattr(current, field))
    return _record(current, by=by, action=action, from_state=from_state, note=note)


def _record(article, *, by, action, from_state, note):
    event = EditorialEvent.objects.create(
        article=article,
        headline=article.headline,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=article.status,
        note=note,
    )
    notifications.announce(event)
    return event
