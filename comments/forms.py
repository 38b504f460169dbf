"""The reader's report form. The comment form is the pipeline's own: comments/moderation/form.py."""

from django import forms

from comments.models import Report, ReportReason


class ReportForm(forms.ModelForm):
    # No reason is chosen for the reader: they pick one.
    reason = forms.ChoiceField(
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        label="Why are you reporting this comment?",
    )

    class Meta:
        model = Report
        fields = ["reason", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        labels = {"note": "Anything to add?"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ReportReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", "Tell the moderators what is wrong with this comment.")
        return cleaned
