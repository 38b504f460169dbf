"""The comment desk's rules, in one place.

`submit()` runs every new comment through the pipeline, phase by phase; the first phase that
decides ends it and its reason is stored. The moderators' decisions (`approve`, `reject`,
`mark_spam`, `remove`, `ban_author`, `decide_many`), readers' reports (`report`) and the legal
erasure (`erase`) are the only code that changes a comment's status; the queue, the admin and
the management command all call them, and each writes a moderation log entry.
"""

import hashlib
import ipaddress
import math
import re
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles import caching
from articles.models import ModerationMode
from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentSettings,
    CommentStatus,
    DecisionReason,
    LogAction,
    ModerationLogEntry,
    Report,
    Rule,
    WordListTerm,
)
from newsroom.logs import security_event

FORM_SALT = "comments.form"
FORM_MIN_AGE = 3  # seconds: people do not write a comment faster; scripts do.
FORM_MAX_AGE = 24 * 60 * 60
NAME_MAX_LENGTH = 80
BODY_MAX_LENGTH = 3000
MAX_LINKS = 2
NEWCOMER_APPROVED_COUNT = 2

HELD_MESSAGE = (
    "Thank you. Your comment is held for review: "
    "your comment will appear once a moderator approves it."
)
PUBLISHED_MESSAGE = "Thank you. Your comment is published."

URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# Bidirectional overrides and isolates reorder text on screen (the "Trojan Source" trick);
# zero-width characters and soft hyphens hide words from the word lists. None is visible.
INVISIBLE_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u00ad]")
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------------------------------
# The pipeline


@dataclass
class Submission:
    """What a reader sent, as the view received it."""

    article: object
    name: str
    email: str
    body: str
    token: str
    honeypot: str = ""
    parent: Comment | None = None
    ip: str = ""
    user: object = None
    is_csrf_ok: bool = True


@dataclass
class Outcome:
    """What happened to a submission; refusals carry the HTTP status and per-field errors."""

    is_accepted: bool
    message: str
    comment: Comment | None = None
    http_status: int = 200
    errors: dict = field(default_factory=dict)
    retry_after: int | None = None  # Seconds until a rate-limited reader may send again.

    @property
    def is_held(self):
        return self.comment is not None and self.comment.status == CommentStatus.PENDING


class Refused(Exception):
    def __init__(self, message, http_status=400, errors=None, retry_after=None):
        super().__init__(message)
        self.message, self.http_status, self.errors = message, http_status, errors or {}
        self.retry_after = retry_after


def issue_form_token(article, at=None):
    """A signed token binding the comment form to its article and the time it was issued."""
    issued = int(at.timestamp() if at else time.time())
    return signing.dumps({"article": article.pk, "issued": issued}, salt=FORM_SALT)


def submit(submission):
    """Run a new comment through the pipeline and store it unless a phase refuses it."""
    try:
        check_form_integrity(submission)
        name, email, body = check_fields(submission)
        comment_settings = CommentSettings.load()
        if not comment_settings.is_thread_open(submission.article):
            raise Refused("Comments on this article are closed.", http_status=403)
        network = network_of(submission.ip)
        check_rate_limits(email, network)
        check_bans(submission, email, network)
    except Refused as refusal:
        return Outcome(
            False,
            refusal.message,
            http_status=refusal.http_status,
            errors=refusal.errors,
            retry_after=refusal.retry_after,
        )

    comment = Comment(
        article=submission.article,
        parent=submission.parent,
        name=name,
        email=email,
        body=body,
        ip_network=network,
    )
    if is_staff(submission.user):
        comment.user, comment.is_by_staff = submission.user, True
        verdict = (CommentStatus.PUBLISHED, Rule.STAFF, "", [])
    else:
        verdict = screen(comment, comment_settings)
    comment.status, comment.rule, comment.reason, comment.matched_terms = verdict
    if comment.status == CommentStatus.REJECTED:
        comment.decision_reason = DecisionReason.BANNED_TERM
    with transaction.atomic():
        comment.save()
        _log(
            comment,
            None,
            LogAction.POSTED,
            "",
            comment.status,
            rule=comment.rule,
            reason=comment.reason,
        )

    if comment.status == CommentStatus.PUBLISHED:
        return Outcome(True, PUBLISHED_MESSAGE, comment)
    if comment.status == CommentStatus.PENDING:
        return Outcome(True, HELD_MESSAGE, comment)
    return Outcome(
        False,
        f"Your comment was not published: {comment.reason}. Please reword it and send it again.",
        comment,
        http_status=403,
        errors={"body": comment.reason},
    )


def check_form_integrity(submission):
    """Phase 1: the CSRF check, the signed form token and the honeypot."""
    if not submission.is_csrf_ok:
        raise Refused(_stale_form("the security check failed"))
    try:
        data = signing.loads(submission.token, salt=FORM_SALT)
        article_id, issued = int(data["article"]), int(data["issued"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused(_stale_form("the form was damaged")) from None
    age = time.time() - issued
    if article_id != submission.article.pk:
        raise Refused(_stale_form("the form belongs to another article"))
    if age < FORM_MIN_AGE:
        raise Refused(_stale_form("it was sent too quickly after the page loaded"))
    if age > FORM_MAX_AGE:
        raise Refused(_stale_form("the form expired (it is valid for 24 hours)"))
    if submission.honeypot:
        raise Refused(_stale_form("a field meant to stay empty was filled in"))


def _stale_form(why):
    return f"Your comment was not sent because {why}. Your text is kept below: send it again."


def check_fields(submission):
    """Phase 2: a name, a valid email and a body of 1 to 3,000 characters after normalising."""
    if is_staff(submission.user):
        user = submission.user
        name = user.get_full_name() or user.get_username()
        email = (user.email or f"{user.get_username()}@staff.invalid").lower()
    else:
        name, email = normalise_line(submission.name), submission.email.strip().lower()
    errors = {}
    if not name:
        errors["name"] = "Enter the name to show with your comment."
    elif len(name) > NAME_MAX_LENGTH or CONTROL_RE.search(name):
        errors["name"] = f"Use at most {NAME_MAX_LENGTH} ordinary characters for your name."
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid email address (it is never shown to readers)."
    body = normalise_body(submission.body)
    if CONTROL_RE.search(body):
        errors["body"] = "Your comment contains control characters; remove them."
    elif not body:
        errors["body"] = "Write your comment before sending it."
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = (
            f"Comments are at most {BODY_MAX_LENGTH:,} characters; yours has {len(body):,}."
        )
    parent = submission.parent
    if parent is not None and (
        parent.article_id != submission.article.pk
        or parent.parent_id is not None
        or parent.status != CommentStatus.PUBLISHED
    ):
        errors["parent"] = "You can only reply to a published top-level comment."
    if errors:
        raise Refused("Please correct the marked fields: your text is kept.", errors=errors)
    return name, email, body


def normalise_body(text):
    """NFC, Unix line ends, no invisible reordering or hiding characters, no outer blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return INVISIBLE_RE.sub("", text).strip()


def normalise_line(text):
    return " ".join(normalise_body(text).split())


def network_of(ip):
    """The /24 (IPv4) or /48 (IPv6) network of an address: where rate limits and bans apply."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def check_rate_limits(email, network):
    """Phase 3: at most N comments per window per email and per network (atomic counters)."""
    subjects = [("email", hashlib.sha256(email.encode()).hexdigest()[:32])]
    if network:
        subjects.append(("net", network))
    over = [
        window
        for window, limit in settings.COMMENT_RATE_LIMITS
        for kind, subject in subjects
        if _count_hit(f"{kind}:{subject}", window) > limit
    ]
    if over:
        security_event("comment_rate_limited", network=network, window=min(over))
        now = time.time()
        raise Refused(
            "You are commenting faster than this site allows. "
            "Wait a little and send it again: your text is kept below.",
            http_status=429,
            retry_after=max(math.ceil(window - now % window) for window in over),
        )


def _count_hit(subject, window):
    """Count one hit in the current fixed window; add() then incr() is atomic in every cache."""
    key = f"comments:rate:{subject}:{window}:{int(time.time() // window)}"
    for _ in range(2):
        cache.add(key, 0, timeout=window + 1)
        try:
            return cache.incr(key)
        except ValueError:  # The window's key expired between add() and incr().
            continue
    return 1


def check_bans(submission, email, network):
    """Phase 4: banned email addresses, domains and networks are refused."""
    domain = email.rpartition("@")[2]
    parts = domain.split(".")
    domains = [".".join(parts[i:]) for i in range(len(parts))]
    why = ""
    if BannedEmail.objects.active().filter(email=email).exists():
        why = "banned email address"
    elif BannedDomain.objects.active().filter(domain__in=domains).exists():
        why = "banned email domain"
    elif network and _is_banned_network(submission.ip):
        why = "banned network"
    if why:
        ModerationLogEntry.objects.create(
            article=submission.article, action=LogAction.REFUSED, reason=why
        )
        raise Refused("Comments from you are not accepted on this site.", http_status=403)


def _is_banned_network(ip):
    address = ipaddress.ip_address(ip.strip())
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    for network in BannedNetwork.objects.active().values_list("network", flat=True):
        if address in ipaddress.ip_network(network):
            return True
    return False


def screen(comment, comment_settings):
    """Phases 5 to 9 for a reader's comment: (status, rule, reason, matched words)."""
    held = CommentStatus.PENDING
    if is_duplicate(comment):
        return held, Rule.DUPLICATE, "it repeats your previous comment", []
    matches = find_terms(comment.body, WordListTerm.objects.values_list("term", "kind"))
    banned = [text for term, kind, text in matches if kind == WordListTerm.Kind.BANNED]
    if banned:
        return (
            CommentStatus.REJECTED,
            Rule.BANNED_TERM,
            f"it contains a term this site does not accept ({', '.join(banned)})",
            banned,
        )
    if matches:
        words = [text for _, _, text in matches]
        return held, Rule.SUSPECT_TERM, f"matched {', '.join(words)}", words
    links = len(URL_RE.findall(comment.body))
    if links > MAX_LINKS:
        return held, Rule.LINKS, f"{links} links (more than {MAX_LINKS})", []
    is_newcomer = (
        Comment.objects.published().filter(email=comment.email).count() < NEWCOMER_APPROVED_COUNT
    )
    if links and is_newcomer:
        return held, Rule.NEWCOMER_LINK, "a link from a newcomer", []
    if comment_settings.moderation_mode_for(comment.article) == ModerationMode.PRE:
        return held, Rule.PRE_MODERATION, "this thread is pre-moderated", []
    if is_newcomer:
        return held, Rule.NEWCOMER, "a newcomer's first comments are reviewed", []
    return CommentStatus.PUBLISHED, Rule.PASSED, "", []


def is_duplicate(comment):
    """Whether the author's previous live comment says the same thing."""
    previous = (
        Comment.objects.filter(
            email=comment.email, status__in=[CommentStatus.PUBLISHED, CommentStatus.PENDING]
        )
        .order_by("-posted_at", "-pk")
        .values_list("body", flat=True)
        .first()
    )
    return previous is not None and _same_words(previous) == _same_words(comment.body)


def _same_words(text):
    return " ".join(text.casefold().split())


def is_staff(user):
    return user is not None and user.is_authenticated and user.is_staff


# ---------------------------------------------------------------------------------------
# Word lists: whole-word matching that sees through simple obfuscation


# Characters people swap in for letters. Digits and symbols are only read as letters
# inside a word that has letters, so "2024" and "idiot!" stay what they are.
LOOKALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "€": "e",
        # Cyrillic and Greek letters that look Latin.
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
    }
)
TOKEN_RE = re.compile(r"[\w\u0300-\u036f@$!|€]+")
SYMBOLS = "@$!|€"
REPEATS_RE = re.compile(r"(.)\1+")


def fold(word):
    """Reduce a word to its bare letters: case, accents, look-alikes and repeats removed."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(c for c in word if not unicodedata.combining(c))
    if any(c.isalpha() for c in word):
        word = word.translate(LOOKALIKES)
    return REPEATS_RE.sub(r"\1", word)


def tokens(text):
    """The words of a text: (folded word, start, end)."""
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        if any(c.isalpha() for c in word):
            word = word.rstrip(SYMBOLS)  # "idiot!" ends a sentence; "sh!t" hides a letter.
        folded = fold(word)
        if folded:
            yield folded, match.start(), match.start() + len(word)


def find_terms(text, terms):
    """The listed terms in a text, as (term, kind, the text that matched), in text order.

    A term matches whole words only, so "Scunthorpe" never matches a word inside it; a term
    ending in * matches words that start with it ("idiot*": idiots, idiotic).
    """
    words = list(tokens(text))
    found = []
    for term, kind in terms:
        is_prefix = term.endswith("*")
        needle = [folded for folded, _, _ in tokens(term.rstrip("*"))]
        if not needle:
            continue
        n = len(needle)
        for i in range(len(words) - n + 1):
            window = [folded for folded, _, _ in words[i : i + n]]
            if window[:-1] == needle[:-1] and (
                window[-1].startswith(needle[-1]) if is_prefix else window[-1] == needle[-1]
            ):
                found.append((words[i][1], term, kind, text[words[i][1] : words[i + n - 1][2]]))
    found.sort()
    return [(term, kind, matched) for _, term, kind, matched in found]


# ---------------------------------------------------------------------------------------
# Readers' reports


class AlreadyReported(Exception):
    pass


def report(*, comment, reader_key, reason, note=""):
    """Store a reader's report; enough open reports hold a published comment for review."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Report.objects.create(
                    comment=comment, reader_key=reader_key, reason=reason, note=note.strip()
                )
        except IntegrityError:
            raise AlreadyReported("You have already reported this comment.") from None
        Comment.objects.filter(pk=comment.pk).update(open_report_count=F("open_report_count") + 1)
        comment.refresh_from_db(fields=["status", "revision", "open_report_count"])
        threshold = CommentSettings.load().report_threshold
        if comment.status == CommentStatus.PUBLISHED and comment.open_report_count >= threshold:
            held = Comment.objects.filter(pk=comment.pk, revision=comment.revision).update(
                status=CommentStatus.PENDING,
                rule=Rule.REPORTS,
                reason=f"{comment.open_report_count} reader reports",
                revision=F("revision") + 1,
            )
            if held:
                _log(
                    comment,
                    None,
                    LogAction.HELD,
                    CommentStatus.PUBLISHED,
                    CommentStatus.PENDING,
                    rule=Rule.REPORTS,
                    reason=f"{comment.open_report_count} reader reports",
                )


# ---------------------------------------------------------------------------------------
# Moderators' decisions


class AlreadyDecided(Exception):
    """Someone decided the comment after the moderator loaded it; nothing was changed."""


ACTIONS = {
    "approve": (CommentStatus.PUBLISHED, LogAction.APPROVED),
    "reject": (CommentStatus.REJECTED, LogAction.REJECTED),
    "spam": (CommentStatus.SPAM, LogAction.SPAM),
    "remove": (CommentStatus.REMOVED, LogAction.REMOVED),
}


@transaction.atomic
def decide(*, comment, by, action, revision, reason=""):
    """Apply one decision to a comment the moderator saw at `revision`.

    The UPDATE only matches while the comment is still at that revision, so of two
    moderators deciding at once the second changes nothing and learns who was first.
    """
    to_status, log_action = ACTIONS[action]
    if action == "reject" and reason not in DecisionReason.values:
        raise ValueError(f"Choose a reason for rejecting: {', '.join(DecisionReason.values)}.")
    if action == "spam":
        reason = DecisionReason.SPAM
    elif action != "reject":
        reason = ""
    now = timezone.now()
    changed = Comment.objects.filter(pk=comment.pk, revision=revision).update(
        status=to_status,
        revision=F("revision") + 1,
        decided_at=now,
        decided_by=by,
        first_decided_at=Coalesce("first_decided_at", Value(now)),
        decision_reason=reason,
        open_report_count=0,
    )
    if not changed:
        current = Comment.objects.select_related("decided_by").get(pk=comment.pk)
        who = current.decided_by
        name = (who.get_full_name() or who.get_username()) if who else "the system"
        raise AlreadyDecided(
            f"Comment {comment.pk} was already decided by {name}: "
            f"it is now {current.get_status_display().lower()}. Nothing was changed."
        )
    from_status = comment.status
    comment.refresh_from_db()
    _log(comment, by, log_action, from_status, to_status, reason=reason)
    return comment


def approve(*, comment, by, revision):
    return decide(comment=comment, by=by, action="approve", revision=revision)


def reject(*, comment, by, revision, reason):
    return decide(comment=comment, by=by, action="reject", revision=revision, reason=reason)


def mark_spam(*, comment, by, revision):
    return decide(comment=comment, by=by, action="spam", revision=revision)


def remove(*, comment, by, revision):
    """Take a comment down because its author asked; it is kept, not deleted."""
    return decide(comment=comment, by=by, action="remove", revision=revision)


def decide_many(*, selections, by, action, reason=""):
    """Apply one decision to many (comment, revision) pairs; returns (decided, refusals)."""
    decided, refusals = [], []
    for comment, revision in selections:
        try:
            decided.append(
                decide(comment=comment, by=by, action=action, revision=revision, reason=reason)
            )
        except AlreadyDecided as refusal:
            refusals.append(str(refusal))
    return decided, refusals


@transaction.atomic
def ban_author(*, comment, by, include_network=False, expires_at=None, reject_pending=False):
    """Ban the comment's author by email (and optionally network); returns comments rejected."""
    ban = {"expires_at": expires_at, "created_by": by, "note": f"Banned from comment {comment.pk}"}
    BannedEmail.objects.update_or_create(email=comment.email, defaults=ban)
    banned = "email"
    if include_network and comment.ip_network:
        BannedNetwork.objects.update_or_create(network=comment.ip_network, defaults=ban)
        banned = "email and network"
    until = f" until {expires_at:%Y-%m-%d %H:%M}" if expires_at else ""
    _log(comment, by, LogAction.BANNED, comment.status, comment.status, reason=banned + until)
    rejected = 0
    if reject_pending:
        for pending in Comment.objects.in_moderation().filter(email=comment.email):
            try:
                decide(
                    comment=pending,
                    by=by,
                    action="reject",
                    revision=pending.revision,
                    reason=DecisionReason.ABUSE,
                )
            except AlreadyDecided:
                continue  # Another moderator got there first; their decision stands.
            rejected += 1
    return rejected


@transaction.atomic
def erase(*, email, by=None, reference=""):
    """Erase a person's comments for a legal request: their words and identity are wiped.

    The rows stay (scrubbed, status removed) so that the moderation log keeps its history
    without keeping the person's data. Returns how many comments were erased.
    """
    email = email.strip().lower()
    comments = list(Comment.objects.filter(email__iexact=email))
    for comment in comments:
        from_status = comment.status
        Comment.objects.filter(pk=comment.pk).update(
            name="[erased]",
            email=f"erased-{comment.pk}@erased.invalid",
            body="",
            ip_network="",
            user=None,
            matched_terms=[],
            reason="",
            status=CommentStatus.REMOVED,
            revision=F("revision") + 1,
            open_report_count=0,
        )
        Report.objects.filter(comment=comment).update(note="")
        _log(
            comment,
            by,
            LogAction.ERASED,
            from_status,
            CommentStatus.REMOVED,
            reason=f"legal request {reference}".strip(),
        )
    if not comments:  # The request is on record even when there was nothing to erase.
        ModerationLogEntry.objects.create(
            actor=by, action=LogAction.ERASED, reason=f"legal request {reference}: nothing found"
        )
    return len(comments)


def tell_page_cache(from_status, to_status):
    """Tell the page cache when a comment enters or leaves readers' pages.

    Only published comments are shown, so held, rejected and spam ones change no page; a
    flood of them leaves every cached page in place. Erasure only touches a published
    comment's text and name by removing it, which this sees too.
    """
    if from_status != to_status and CommentStatus.PUBLISHED in (from_status, to_status):
        caching.content_changed(moves_schedule=False)


def _log(comment, actor, action, from_status, to_status, *, rule="", reason=""):
    # Every status change passes here, the pipeline's, the moderators' and the report
    # threshold's; most are conditional UPDATEs, which no save signal sees.
    tell_page_cache(from_status, to_status)
    ModerationLogEntry.objects.create(
        comment=comment,
        article_id=comment.article_id,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        rule=rule,
        reason=reason[:300],
    )
