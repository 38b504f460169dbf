from django import forms

from comments.models import Report, ReportReason
from comments.moderation import is_staff, issue_form_token


def comment_form(article, *, user=None, data=None, parent=None, errors=None):
    """What the comment form shows: the reader's own text back, and a freshly issued token."""
    data = data or {}
    return {
        "article": article,
        "parent": parent,
        "token": issue_form_token(article),
        "name": data.get("name", ""),
        "email": data.get("email", ""),
        "body": data.get("body", ""),
        "errors": errors or {},
        "staff_user": user if is_staff(user) else None,
    }


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"reason": "Why are you reporting this comment?", "note": "Anything to add?"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ReportReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", "Tell the moderators what is wrong with this comment.")
        return cleaned
