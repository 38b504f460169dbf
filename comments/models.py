"""Reader comments, their reports, the moderation log, bans, word lists and the desk's settings.

The rules that move a comment between statuses live in comments/moderation/; these models
only store what it decided and answer questions about many rows at once.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from articles.caching import PageKeysQuerySet
from articles.models import Article, ModerationMode
from newsroom.prepared import Param, prepared


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed at the author's request"


class Rule(models.TextChoices):
    """The pipeline phase (or person) whose decision put the comment where it is."""

    DUPLICATE = "duplicate", "Duplicate of the author's previous comment"
    BANNED_TERM = "banned_term", "Banned term"
    SUSPECT_TERM = "suspect_term", "Suspect term"
    LINKS = "links", "Too many links"
    NEWCOMER_LINK = "newcomer_link", "Link from a newcomer"
    PRE_MODERATION = "pre_moderation", "Pre-moderation"
    NEWCOMER = "newcomer", "Newcomer"
    PASSED = "passed", "Passed every check"
    STAFF = "staff", "Staff comment"
    REPORTS = "reports", "Reported by readers"


class DecisionReason(models.TextChoices):
    """Why a moderator rejected a comment (Coral's reason codes)."""

    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse"
    OFF_TOPIC = "off_topic", "Off-topic"
    BANNED_TERM = "banned_term", "Banned term"
    BANNED_AUTHOR = "banned_author", "Author banned"
    OTHER = "other", "Other"

    @classmethod
    def for_rejecting(cls):
        """The reasons a moderator picks when rejecting; spam and bans have their own buttons."""
        return [
            (code, label)
            for code, label in cls.choices
            if code not in {cls.SPAM, cls.BANNED_AUTHOR}
        ]


# Each moderation tab, defined once: the queue's lists and its live counts both use these.
QUEUES = {
    "pending": Q(status=CommentStatus.PENDING),
    # Reports no moderator has reviewed yet, on comments readers see or may see.
    "reported": Q(
        open_report_count__gt=0, status__in=[CommentStatus.PENDING, CommentStatus.PUBLISHED]
    ),
    "published": Q(status=CommentStatus.PUBLISHED),
    "rejected": Q(status__in=[CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.REMOVED]),
}


class CommentQuerySet(PageKeysQuerySet):
    def published(self):
        """Comments readers see."""
        return self.filter(QUEUES["published"])

    def open_to_readers(self):
        """Published comments on stories readers can see: what a reader may open, reply to,
        report or like."""
        return self.published().filter(article__in=Article.objects.published())

    def in_moderation(self):
        """Comments waiting for a moderator: the Pending queue."""
        return self.filter(QUEUES["pending"])

    def reported(self):
        """Comments with reports no moderator has reviewed yet: the Reported queue."""
        return self.filter(QUEUES["reported"])

    def queue_counts(self):
        """Live counts of every moderation tab, in one query."""
        return self.aggregate(**{tab: Count("pk", filter=q) for tab, q in QUEUES.items()})

    def picks(self):
        """Editors' picks readers see, most recently picked first."""
        return self.published().filter(is_featured=True).order_by("-featured_at", "-pk")

    def awaiting_review_for(self, reader):
        """The comments a reader (by their signed identity) sent that wait for a moderator."""
        if not reader:
            return self.none()
        held = self.in_moderation().filter(reader_key=reader).select_related("parent")
        return held.order_by("posted_at", "pk")

    def with_author_history(self):
        """Annotate each comment with its author's approved and rejected counts (by email)."""

        def count_for(statuses):
            return Coalesce(
                Subquery(
                    Comment.objects.filter(email=OuterRef("email"), status__in=statuses)
                    .order_by()
                    .values("email")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )

        return self.annotate(
            author_approved_count=count_for([CommentStatus.PUBLISHED]),
            author_rejected_count=count_for([CommentStatus.REJECTED, CommentStatus.SPAM]),
        )


class Comment(models.Model):
    Status = CommentStatus

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment this replies to.",
    )
    # The top-level comment of the thread (empty on a top-level comment), so that a page of
    # threads and all their replies, however deep, is one query.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0, help_text="0 for a top-level comment.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The staff account that wrote it, if any.",
    )
    is_by_staff = models.BooleanField(default=False)
    name = models.CharField("display name", max_length=80)
    email = models.EmailField(help_text="Never shown to readers.")
    body = models.TextField()
    ip_network = models.CharField(
        max_length=49, blank=True, help_text="The poster's /24 (IPv4) or /48 (IPv6) network."
    )
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    posted_at = models.DateTimeField(default=timezone.now)
    reader_key = models.CharField(
        max_length=40, blank=True, help_text="The poster's signed reader identity, if any."
    )

    # Reader features: editors' picks, likes (counted in Reaction) and reply emails.
    is_featured = models.BooleanField("editors' pick", default=False)
    featured_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    wants_reply_emails = models.BooleanField(
        default=False, help_text="The author asked to be emailed when someone replies."
    )
    reply_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the parent's author was emailed about this reply."
    )

    # What the pipeline decided and why; kept after a moderator decides.
    rule = models.CharField(max_length=16, choices=Rule.choices)
    reason = models.CharField(max_length=300, blank=True)
    matched_terms = models.JSONField(
        default=list, blank=True, help_text="The words in the body that matched a word list."
    )

    # The latest decision. `revision` grows with every decision, so that a moderator acting
    # on a stale card is told someone else decided first instead of overwriting them.
    revision = models.PositiveIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    first_decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.CharField(max_length=13, choices=DecisionReason.choices, blank=True)
    open_report_count = models.PositiveIntegerField(
        default=0, help_text="Reports since a moderator last decided."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["posted_at", "pk"]
        permissions = [
            ("moderate_comment", "Can moderate comments"),
            ("view_moderation_overview", "Can see the moderation overview"),
            ("feature_comment", "Can mark a comment as an editors' pick"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="comment_status_valid"
            ),
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="comment_rule_valid"),
        ]
        indexes = [
            models.Index(
                fields=["article", "posted_at"],
                condition=Q(status="published"),
                name="comment_published_thread",
            ),
            models.Index(
                fields=["posted_at"], condition=Q(status="pending"), name="comment_pending_queue"
            ),
            models.Index(
                fields=["posted_at"],
                condition=Q(open_report_count__gt=0),
                name="comment_reported_queue",
            ),
            models.Index(fields=["email", "status"], name="comment_author_history"),
            models.Index(
                fields=["reader_key"],
                condition=Q(status="pending") & ~Q(reader_key=""),
                name="comment_reader_held",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def page_keys(self, before):
        """Only published comments are on a page: held, refused and spam ones (a flood of
        them included) leave every cached page in place. A like only changes a count, which
        shared pages show within their life (the page's script fetches the live one)."""
        if before is not None and before.like_count != self.like_count:
            return set()
        rows = [self] if before is None else [self, before]
        shown = [row for row in rows if row.status == CommentStatus.PUBLISHED]
        return {f"comments:{row.article_id}" for row in shown}

    def place_under(self, parent):
        """Derive the thread and depth from the comment replied to (None: top-level)."""
        self.parent = parent
        self.root = (parent.root or parent) if parent else None
        self.depth = parent.depth + 1 if parent else 0


class Reaction(models.Model):
    """A reader's like of a comment: one per signed reader identity per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    reader_key = models.CharField(max_length=40)
    reacted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_key"], name="like_once_per_reader")
        ]

    def __str__(self):
        return f"Like of comment {self.comment_id}"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()


class ConfirmedEmail(models.Model):
    """An address whose owner confirmed, by a signed link, that they want reply emails."""

    email = models.EmailField(unique=True)
    confirmed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("admin:comments_confirmedemail_change", args=[self.pk])


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse"
    OFF_TOPIC = "off_topic", "Off-topic"
    OTHER = "other", "Other"


# How far back the desk looks for bulk reporters (settings.BULK_REPORTER_DAILY reports).
BULK_REPORTER_WINDOW = timedelta(days=1)


class ReportQuerySet(models.QuerySet):
    def open_on(self, comment):
        """Reports on `comment` since a moderator last decided it."""
        reports = self.filter(comment=comment)
        if comment.decided_at:
            reports = reports.filter(reported_at__gt=comment.decided_at)
        return reports

    def with_reporter_activity(self):
        """Annotate each report with how many reports its address sent in the last day, and
        whether that makes it a bulk reporter the desk should know about."""
        since = timezone.now() - BULK_REPORTER_WINDOW
        sent = (
            Report.objects.filter(address=OuterRef("address"), reported_at__gte=since)
            .exclude(address="")
            .order_by()
            .values("address")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(reporter_recent_count=Coalesce(Subquery(sent), 0)).annotate(
            is_from_bulk_reporter=ExpressionWrapper(
                Q(reporter_recent_count__gte=settings.BULK_REPORTER_DAILY),
                output_field=models.BooleanField(),
            )
        )

    def bulk_reporters(self, at=None):
        """(reporter, reports) of everyone who reported in bulk in the last day, most first:
        by address (one person's cookie-less clients or fresh cookies count as one) and by
        reader key (one reader's cookie or account, from any address)."""
        recent = self.filter(reported_at__gte=(at or timezone.now()) - BULK_REPORTER_WINDOW)
        rows = []
        for field, skip in [
            ("address", Q(address="")),
            ("reader_key", Q(reader_key__startswith="address:")),  # Counted by address.
        ]:
            rows += (
                recent.exclude(skip)
                .order_by()
                .values_list(field)
                .annotate(n=Count("pk"))
                .filter(n__gte=settings.BULK_REPORTER_DAILY)
            )
        return sorted(rows, key=lambda row: (-row[1], row[0]))


class Report(models.Model):
    """A reader's flag on a comment. One per reader per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reader_key = models.CharField(
        max_length=80,
        help_text="The reporting reader: user:<account>, reader:<signed reader identity>, "
        "or address:<address> without either.",
    )
    reason = models.CharField(max_length=10, choices=ReportReason.choices)
    note = models.CharField(max_length=500, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    # Where the report came from: reports count toward holding a comment once per address,
    # so one person's cookie-less clients (or fresh sessions) count once.
    address = models.CharField(max_length=45, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["reported_at", "pk"]
        indexes = [
            models.Index(fields=["address", "reported_at"], name="report_by_address"),
            # The reports a commenter made, found by the identities their comments carry.
            models.Index(fields=["reader_key", "reported_at"], name="report_by_reader"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reader_key"], name="report_once_per_reader"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"

    def get_absolute_url(self):
        return reverse("comments:queue") + "?tab=reported"


class LogAction(models.TextChoices):
    POSTED = "posted", "Posted (pipeline decision)"
    REFUSED = "refused", "Refused (banned author)"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Marked spam"
    REMOVED = "removed", "Removed at the author's request"
    HELD = "held", "Held after reports"
    BANNED = "banned", "Author banned"
    ERASED = "erased", "Erased (legal request)"
    FEATURED = "featured", "Marked an editors' pick"
    UNFEATURED = "unfeatured", "Editors' pick withdrawn"
    UNDONE = "undone", "Decision undone"


class ModerationLogEntry(models.Model):
    """One decision, by a person or by the pipeline. Written once, never changed."""

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entries"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the system (the pipeline or the report threshold).",
    )
    action = models.CharField(max_length=10, choices=LogAction.choices)
    from_status = models.CharField(max_length=10, choices=CommentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=CommentStatus.choices, blank=True)
    rule = models.CharField(max_length=16, choices=Rule.choices, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    logged_at = models.DateTimeField(default=timezone.now)
    undo_state = models.JSONField(
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="A decision's undo: the comment's revision after it and its fields before it.",
    )

    class Meta:
        ordering = ["-logged_at", "-pk"]
        verbose_name_plural = "moderation log entries"
        indexes = [models.Index(fields=["action", "-logged_at"], name="log_action_time")]

    def __str__(self):
        action = self.get_action_display().lower()
        return f"{self.actor_name}: {action} at {self.logged_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:log") + f"?action={self.action}"

    def delete(self, *args, **kwargs):
        raise ValueError("The moderation log is append-only.")

    @property
    def reason_label(self):
        """A moderator's reason code as words; any other reason as written."""
        if self.reason in DecisionReason.values:
            return DecisionReason(self.reason).label
        return self.reason

    @property
    def actor_name(self):
        if self.actor is None:
            return "system"
        return self.actor.get_full_name() or self.actor.get_username()


class BanQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


class Ban(models.Model):
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        meta = self._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.pk])

    def clean(self):
        self.normalise()  # Before the uniqueness check, so "A@X.org" finds "a@x.org".


class BannedEmail(Ban):
    email = models.EmailField(unique=True)

    def __str__(self):
        return self.email

    def normalise(self):
        self.email = self.email.strip().lower()


class BannedDomain(Ban):
    domain = models.CharField(
        max_length=253, unique=True, help_text="example.com also bans mail.example.com."
    )

    def __str__(self):
        return self.domain

    def normalise(self):
        self.domain = self.domain.strip().lower().lstrip("@")


def validate_network(value):
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as error:
        raise ValidationError(f"Enter a network such as 203.0.113.0/24: {error}") from error


class BannedNetwork(Ban):
    # Wider than this, a ban shuts out whole providers or countries (0.0.0.0/0 is everyone):
    # only a superuser may ask for it, explicitly.
    WIDEST_PREFIX = {4: 16, 6: 32}

    network = models.CharField(
        max_length=49, unique=True, validators=[validate_network], help_text="e.g. 203.0.113.0/24"
    )

    def __str__(self):
        return self.network

    def width_problem(self):
        """Why this network is too wide to ban without a superuser's override, or ""."""
        try:
            network = ipaddress.ip_network(self.network.strip(), strict=False)
        except ValueError:
            return ""  # validate_network names that problem.
        widest = self.WIDEST_PREFIX[network.version]
        if network.prefixlen >= widest:
            return ""
        return (
            f"{network} covers {network.num_addresses:,} addresses: a ban that wide shuts out "
            f"whole providers or countries along with the person. Ban /{widest} or narrower "
            f"(the network on the comment's card is a /24 or /48). A superuser who means it "
            f"can tick “Ban a wider range”."
        )

    def normalise(self):
        try:
            self.network = str(ipaddress.ip_network(self.network.strip(), strict=False))
        except ValueError:
            pass  # validate_network names the problem to the moderator.


class WordListTerm(models.Model):
    class Kind(models.TextChoices):
        BANNED = "banned", "Banned: the comment is rejected"
        SUSPECT = "suspect", "Suspect: the comment is held for review"

    term = models.CharField(
        max_length=100,
        unique=True,
        help_text="A word or phrase, matched as whole words; end with * to match word starts.",
    )
    kind = models.CharField(max_length=7, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["banned", "suspect"]), name="wordlist_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.term} ({self.kind})"

    def get_absolute_url(self):
        return reverse("admin:comments_wordlistterm_change", args=[self.pk])


class CommentSettings(models.Model):
    """The desk's settings for comments: one row, edited in admin."""

    report_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Reports that hold a published comment for review."
    )
    auto_close_days = models.PositiveSmallIntegerField(
        default=14, help_text="Threads close this many days after publication; 0 never closes."
    )
    default_moderation_mode = models.CharField(
        max_length=4, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    threads_per_page = models.PositiveSmallIntegerField(default=50)

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "comment settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="comment_settings_single_row"),
            models.CheckConstraint(
                condition=Q(threads_per_page__gt=0), name="threads_per_page_positive"
            ),
        ]

    def __str__(self):
        return "Comment settings"

    def get_absolute_url(self):
        return reverse("admin:comments_commentsettings_change", args=[self.pk])

    def page_keys(self, before):
        """Thread pages and when threads close are decided here for every story. The row's
        creation by load() changes nothing: pages used its defaults until then."""
        return {"comment-settings"} if before is not None else set()

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def load_with_counts(cls, article):
        """The settings and `article`'s published comment and thread counts, in one query.

        The article page runs on a query budget; the one settings row carries the counts.
        """
        if not (rows := cls.rows_with_counts(article=article.pk)):
            cls.load()  # First use on a database whose row was removed: make it again.
            rows = cls.rows_with_counts(article=article.pk)
        [row] = rows
        counts = {name: row.pop(name) for name in ("comment_total", "thread_total", "pick_total")}
        desk = cls.from_db(DEFAULT_DB_ALIAS, list(row), list(row.values()))
        desk.__dict__.update(counts)
        return desk

    @prepared
    def rows_with_counts():
        """The settings row with the counts of `article`'s published comments, threads and
        picks (`comment_total`, `thread_total`, `pick_total`), as values()."""
        article = Param("article", Comment.article.field)
        published = Comment.objects.published().filter(article=article).order_by()

        def count(comments):
            per_article = comments.values("article").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(per_article), 0)

        fields = [field.attname for field in CommentSettings._meta.concrete_fields]
        return (
            CommentSettings.objects.annotate(
                comment_total=count(published),
                thread_total=count(published.filter(parent=None)),
                pick_total=count(published.filter(is_featured=True)),
            )
            .filter(pk=1)
            .values(*fields, "comment_total", "thread_total", "pick_total")
        )

    def closes_at(self, article):
        if not self.auto_close_days or article.published_at is None:
            return None
        return article.published_at + timedelta(days=self.auto_close_days)

    def is_thread_open(self, article, at=None):
        """Comments are open per article, else per section, and never past auto-close."""
        if article.is_commenting_open is not None:
            is_open = article.is_commenting_open
        else:
            is_open = article.section is None or article.section.is_commenting_open
        closes_at = self.closes_at(article)
        return is_open and (closes_at is None or (at or timezone.now()) < closes_at)

    def moderation_mode_for(self, article):
        """The article's mode, else its section's, else the site default."""
        section_mode = article.section.moderation_mode if article.section else ""
        return article.moderation_mode or section_mode or self.default_moderation_mode
