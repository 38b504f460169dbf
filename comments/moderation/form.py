"""The reader's comment form: it issues and checks its signed token and the honeypot, and
normalises what was typed, before the pipeline's phases judge the comment."""

import re
import time
import unicodedata

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from comments.models import Comment, CommentStatus

FORM_SALT = "comments.form"
FORM_MIN_AGE = 3  # seconds: people do not write a comment faster; scripts do.
FORM_MAX_AGE = 24 * 60 * 60
NAME_MAX_LENGTH = 80
BODY_MAX_LENGTH = 3000

# Bidirectional overrides and isolates reorder text on screen (the "Trojan Source" trick);
# zero-width characters and soft hyphens hide words from the word lists. None is visible.
INVISIBLE_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u00ad]")
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def issue_form_token(article, at=None):
    """A signed token binding the comment form to its article and the time it was issued."""
    issued = int(at.timestamp() if at else time.time())
    return signing.dumps({"article": article.pk, "issued": issued}, salt=FORM_SALT)


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
        self.fresh_token = issue_form_token(article)

    def clean_token(self):
        try:
            data = signing.loads(self.cleaned_data["token"], salt=FORM_SALT)
            article_id, issued = int(data["article"]), int(data["issued"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ValidationError(stale_form("the form was damaged")) from None
        age = time.time() - issued
        if article_id != self.article.pk:
            raise ValidationError(stale_form("the form belongs to another article"))
        if age < FORM_MIN_AGE:
            raise ValidationError(stale_form("it was sent too quickly after the page loaded"))
        if age > FORM_MAX_AGE:
            raise ValidationError(stale_form("the form expired (it is valid for 24 hours)"))
        return self.cleaned_data["token"]

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
        raw = self.cleaned_data["parent"]
        if not raw:
            return None
        self.reply_to = parent = (
            Comment.objects.filter(pk=raw, article=self.article).first() if raw.isdigit() else None
        )
        if parent is None or parent.status != CommentStatus.PUBLISHED:
            raise ValidationError("You can only reply to a published comment on this article.")
        return parent

    def integrity_error(self):
        """The refusal of the whole form, if its token or honeypot failed."""
        for field in self.INTEGRITY_FIELDS:
            if field in self.errors:
                return self.errors[field][0]
        return None
