"""The reader's comment form: it issues and checks its signed token and the honeypot, and
normalises what was typed, before the pipeline's phases judge the comment.

The token binds the form to its article and the moment it was issued, and is spent when
posted. Two kinds:

- a *reader's* token, issued to one reader when they open the page (`form-token.js` fetches
  it from the uncached `comments:token` endpoint, and every re-shown form carries one): it
  is good once, and not before FORM_MIN_AGE seconds after the reader opened the form;
- the *page's* token, written into the shared cached page for readers without JavaScript:
  its age says nothing about a reader (the page may have been stored an hour ago), so it is
  good for only PAGE_TOKEN_USES posts. Past that, the reader gets the form back, their text
  kept, with a reader's token in it.

A replayed token is refused: a script cannot post twice with one form, nor sooner than a
person could after reading it.
"""

import hashlib
import re
import secrets
import time
import unicodedata

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from comments.models import Comment, CommentStatus
from comments.moderation.counting import count_hit
from newsroom.params import BadParameter, record_id

FORM_SALT = "comments.form"
FORM_MIN_AGE = 3  # seconds: people do not write a comment faster; scripts do.
FORM_MAX_AGE = 24 * 60 * 60
PAGE_TOKEN_USES = 3
NAME_MAX_LENGTH = 80
BODY_MAX_LENGTH = 3000

# Bidirectional overrides and isolates reorder text on screen (the "Trojan Source" trick);
# zero-width characters and soft hyphens hide words from the word lists. None is visible.
INVISIBLE_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u00ad]")
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def issue_form_token(article, at=None, *, is_shared=False):
    """A signed token binding the comment form to its article and the time it was issued;
    a shared one (the cached page's) may be used PAGE_TOKEN_USES times, a reader's once."""
    issued = int(at.timestamp() if at else time.time())
    data = {"article": article.pk, "issued": issued}
    data.update(shared=is_shared, nonce=secrets.token_urlsafe(9))
    return signing.dumps(data, salt=FORM_SALT)


def spend_form_token(token, *, is_shared):
    """Count one use of a token; whether it is still within its allowed uses."""
    key = "comments:token:" + hashlib.sha256(token.encode()).hexdigest()[:40]
    uses = count_hit(key, FORM_MAX_AGE + 60)
    return uses <= (PAGE_TOKEN_USES if is_shared else 1)


def is_staff(user):
    return user is not None and user.is_authenticated and user.is_staff


def stale_form(why):
    return f"Your comment was not sent because {why}. Your text is kept below: send it again."


def normalise_body(text):
    """NFC, Unix line ends, no invisible reordering or hiding characters, no outer blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return INVISIBLE_RE.sub("", text).strip()


def normalise_line(text):
    return " ".join(normalise_body(text).split())


class TypedText(forms.CharField):
    """Text exactly as typed: the form's own checks name the problems, NUL included."""

    def __init__(self):
        super().__init__(required=False, strip=False)
        self.validators = []


class CommentForm(forms.Form):
    """A comment or a reply on `article`; staff comment under their account's name.

    The token and the honeypot are the form's integrity: their errors are refusals of the
    whole form (the reader's text is kept), the other fields' errors are marked in place.
    """

    INTEGRITY_FIELDS = ("token", "website")

    name = TypedText()
    email = TypedText()
    body = TypedText()
    token = TypedText()
    website = TypedText()  # The honeypot: hidden from people.
    parent = TypedText()
    wants_reply_emails = forms.BooleanField(required=False)

    def __init__(self, data=None, *, article, user=None, reply_to=None):
        super().__init__(data)
        self.article, self.reply_to = article, reply_to
        self.staff_user = user if is_staff(user) else None
        # A form shown on a GET may be stored in the shared page cache; one shown again
        # after a post is that one reader's.
        self.fresh_token = issue_form_token(article, is_shared=data is None)

    def clean_token(self):
        token = self.cleaned_data["token"]
        try:
            data = signing.loads(token, salt=FORM_SALT)
            article_id, issued = int(data["article"]), int(data["issued"])
            is_shared = bool(data.get("shared", True))  # Pages cached before tokens had kinds.
        except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
            raise ValidationError(stale_form("the form was damaged")) from None
        age = time.time() - issued
        if article_id != self.article.pk:
            raise ValidationError(stale_form("the form belongs to another article"))
        if age < FORM_MIN_AGE:
            raise ValidationError(stale_form("it was sent too quickly after the page loaded"))
        if age > FORM_MAX_AGE:
            raise ValidationError(stale_form("the form expired (it is valid for 24 hours)"))
        if not spend_form_token(token, is_shared=is_shared):
            raise ValidationError(stale_form("this copy of the form was already used"))
        return token

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(stale_form("a field meant to stay empty was filled in"))
        return ""

    def clean_name(self):
        if self.staff_user:
            return self.staff_user.get_full_name() or self.staff_user.get_username()
        name = normalise_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Enter the name to show with your comment.")
        if len(name) > NAME_MAX_LENGTH or CONTROL_RE.search(name):
            raise ValidationError(
                f"Use at most {NAME_MAX_LENGTH} ordinary characters for your name."
            )
        return name

    def clean_email(self):
        if self.staff_user:
            user = self.staff_user
            return (user.email or f"{user.get_username()}@staff.invalid").lower()
        email = self.cleaned_data["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                "Enter a valid email address (it is never shown to readers)."
            ) from None
        return email

    def clean_body(self):
        body = normalise_body(self.cleaned_data["body"])
        if CONTROL_RE.search(body):
            raise ValidationError("Your comment contains control characters; remove them.")
        if not body:
            raise ValidationError("Write your comment before sending it.")
        if len(body) > BODY_MAX_LENGTH:
            raise ValidationError(
                f"Comments are at most {BODY_MAX_LENGTH:,} characters; yours has {len(body):,}."
            )
        return body

    def clean_parent(self):
        raw = self.cleaned_data["parent"].strip()
        if not raw:
            return None
        try:
            parent = Comment.objects.filter(pk=record_id(raw, field="parent")).first()
        except BadParameter as error:
            raise ValidationError(f"Your reply was not posted ({error}).") from None
        if parent is None or parent.status != CommentStatus.PUBLISHED:
            raise ValidationError(
                "The comment you replied to is no longer shown, so your reply was not posted. "
                "Your text is kept: send it as a comment on this article."
            )
        if parent.article_id != self.article.pk:
            raise ValidationError(
                "The comment you replied to belongs to another article, so your reply was not "
                "posted here. Your text is kept: send it as a comment on this article."
            )
        self.reply_to = parent
        return parent

    def integrity_error(self):
        """The refusal of the whole form, if its token or honeypot failed."""
        for field in self.INTEGRITY_FIELDS:
            if field in self.errors:
                return self.errors[field][0]
        return None
