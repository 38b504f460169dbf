"""The pipeline's phases, in the order they run.

Each phase looks at a `Draft` and returns a verdict, or None to let the next phase look. A
`Refusal` stores nothing and tells the reader why; a `Verdict` is stored with the comment.
The last phase always decides.
"""

import hashlib
import ipaddress
import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.utils import timezone

from articles.models import ModerationMode
from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentStatus,
    LogAction,
    ModerationLogEntry,
    Rule,
    WordListTerm,
)
from comments.moderation.counting import count_in_window, seconds_left
from comments.moderation.wordlists import find_terms
from newsroom.logs import security_event

MAX_LINKS = 2
NEWCOMER_APPROVED_COUNT = 2
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


@dataclass
class Draft:
    """A comment the form found well-formed, not stored yet, and where it came from."""

    comment: Comment
    comment_settings: object
    ip: str = ""
    is_by_staff: bool = False
    reader: str = ""  # The signed reader identity (comments/readers.py), if known.

    @cached_property
    def is_newcomer(self):
        published = Comment.objects.published().filter(email=self.comment.email)
        return published.count() < NEWCOMER_APPROVED_COUNT

    @cached_property
    def links(self):
        return len(URL_RE.findall(self.comment.body))


@dataclass
class Refusal:
    """Nothing is stored; the reader is told why and keeps their text."""

    message: str
    http_status: int = 400
    retry_after: int | None = None  # Seconds until a rate-limited reader may send again.


@dataclass
class Verdict:
    """The status the comment is stored with, and which rule put it there."""

    status: str
    rule: str
    reason: str = ""
    matched_terms: list = field(default_factory=list)


def held(rule, reason):
    return Verdict(CommentStatus.PENDING, rule, reason)


def thread_open(draft):
    if not draft.comment_settings.is_thread_open(draft.comment.article):
        return Refusal("Comments on this article are closed.", http_status=403)
    return None


def rate_limits(draft):
    """Per person first: at most N comments per window per email and per reader (their signed
    cookie). Per network only a flood guard, set high enough that an office or a mobile
    carrier's gateway, with many honest readers behind one address, is not shut out."""
    email, network = draft.comment.email, draft.comment.ip_network
    person = [("email", hashlib.sha256(email.encode()).hexdigest()[:32])]
    if draft.reader:
        person.append(("reader", draft.reader))
    over = [
        (window, "person")
        for window, limit in settings.COMMENT_RATE_LIMITS
        for kind, subject in person
        if _count_hit(f"{kind}:{subject}", window) > limit
    ]
    if network:
        over += [
            (window, "network")
            for window, limit in settings.COMMENT_NETWORK_LIMITS
            if _count_hit(f"net:{network}", window) > limit
        ]
    if not over:
        return None
    security_event("comment_rate_limited", network=network, window=min(w for w, _ in over))
    wait = seconds_left([window for window, _ in over])
    again = timezone.localtime(timezone.now() + timedelta(seconds=wait))
    if any(who == "person" for _, who in over):
        why = "You are commenting faster than this site allows."
    else:
        why = "Too many comments are arriving from your network right now."
    return Refusal(
        f"{why} You can send it again {_in(wait)} (at {again:%H:%M:%S}): your text is kept below.",
        http_status=429,
        retry_after=wait,
    )


def _in(seconds):
    if seconds < 120:
        return f"in {seconds} seconds"
    return f"in {math.ceil(seconds / 60)} minutes"


def _count_hit(subject, window):
    return count_in_window(f"comments:rate:{subject}", window)


def bans(draft):
    """Banned email addresses, domains and networks are refused."""
    why = email_ban(draft.comment.email)
    if not why and draft.comment.ip_network and _is_banned_network(draft.ip):
        why = "banned network"
    if not why:
        return None
    ModerationLogEntry.objects.create(
        article=draft.comment.article, action=LogAction.REFUSED, reason=why
    )
    return Refusal("Comments from you are not accepted on this site.", http_status=403)


def email_ban(email):
    """Why an address is banned ("banned email address" or "... domain"), or ""."""
    parts = email.rpartition("@")[2].split(".")
    domains = [".".join(parts[i:]) for i in range(len(parts))]
    if BannedEmail.objects.active().filter(email=email).exists():
        return "banned email address"
    if BannedDomain.objects.active().filter(domain__in=domains).exists():
        return "banned email domain"
    return ""


def _is_banned_network(ip):
    address = ipaddress.ip_address(ip.strip())
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    for network in BannedNetwork.objects.active().values_list("network", flat=True):
        if address in ipaddress.ip_network(network):
            return True
    return False


def staff(draft):
    """Staff comments are published as written: the checks below are for readers."""
    if draft.is_by_staff:
        return Verdict(CommentStatus.PUBLISHED, Rule.STAFF)
    return None


def duplicates(draft):
    """The author's previous live comment said the same thing."""
    previous = (
        Comment.objects.filter(
            email=draft.comment.email,
            status__in=[CommentStatus.PUBLISHED, CommentStatus.PENDING],
        )
        .order_by("-posted_at", "-pk")
        .values_list("body", flat=True)
        .first()
    )
    if previous is not None and _same_words(previous) == _same_words(draft.comment.body):
        return held(Rule.DUPLICATE, "it repeats your previous comment")
    return None


def _same_words(text):
    return " ".join(text.casefold().split())


def terms(draft):
    """Banned terms reject the comment; suspect terms hold it."""
    matches = find_terms(draft.comment.body, WordListTerm.objects.values_list("term", "kind"))
    banned = [text for term, kind, text in matches if kind == WordListTerm.Kind.BANNED]
    if banned:
        return Verdict(
            CommentStatus.REJECTED,
            Rule.BANNED_TERM,
            f"it contains a term this site does not accept ({', '.join(banned)})",
            banned,
        )
    if matches:
        words = [text for _, _, text in matches]
        return Verdict(
            CommentStatus.PENDING, Rule.SUSPECT_TERM, f"matched {', '.join(words)}", words
        )
    return None


def links(draft):
    if draft.links > MAX_LINKS:
        return held(Rule.LINKS, f"{draft.links} links (more than {MAX_LINKS})")
    return None


def newcomer_link(draft):
    if draft.links and draft.is_newcomer:
        return held(Rule.NEWCOMER_LINK, "a link from a newcomer")
    return None


def pre_moderation(draft):
    mode = draft.comment_settings.moderation_mode_for(draft.comment.article)
    if mode == ModerationMode.PRE:
        return held(Rule.PRE_MODERATION, "this thread is pre-moderated")
    return None


def newcomer(draft):
    if draft.is_newcomer:
        return held(Rule.NEWCOMER, "a newcomer's first comments are reviewed")
    return Verdict(CommentStatus.PUBLISHED, Rule.PASSED)


PHASES = [
    thread_open,
    rate_limits,
    bans,
    staff,
    duplicates,
    terms,
    links,
    newcomer_link,
    pre_moderation,
    newcomer,
]
