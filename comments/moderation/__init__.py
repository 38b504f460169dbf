"""The comment desk's rules, in one place.

- `form`: the reader's comment form, its signed token, honeypot and normalised fields;
- `phases`: the pipeline's phases in order, each returning a verdict or nothing;
- `pipeline`: `submit()`, which runs a valid form through them and stores the comment;
- `wordlists`: whole-word matching of the banned and suspect terms;
- `decisions`: every later change of a comment's status (decisions and their undo,
  reports, bans, erasure), each written to the moderation log.
"""

from comments.moderation.addresses import network_of, reporter_address
from comments.moderation.decisions import (
    ACTIONS,
    AlreadyDecided,
    AlreadyReported,
    CannotUndo,
    TooManyReports,
    approve,
    ban_author,
    decide,
    decide_many,
    erase,
    feature,
    mark_spam,
    reject,
    remove,
    report,
    undo,
    undoable_decision,
)
from comments.moderation.form import FORM_MIN_AGE, CommentForm, is_staff, issue_form_token
from comments.moderation.phases import URL_RE
from comments.moderation.pipeline import HELD_MESSAGE, PUBLISHED_MESSAGE, Outcome, submit
from comments.moderation.wordlists import find_terms

__all__ = [
    "ACTIONS",
    "FORM_MIN_AGE",
    "HELD_MESSAGE",
    "PUBLISHED_MESSAGE",
    "URL_RE",
    "AlreadyDecided",
    "AlreadyReported",
    "CannotUndo",
    "TooManyReports",
    "CommentForm",
    "Outcome",
    "approve",
    "ban_author",
    "decide",
    "decide_many",
    "erase",
    "feature",
    "find_terms",
    "is_staff",
    "issue_form_token",
    "mark_spam",
    "network_of",
    "reject",
    "remove",
    "report",
    "reporter_address",
    "submit",
    "undo",
    "undoable_decision",
]
