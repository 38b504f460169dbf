"""The change form's desk parts: the move a button posts, and the guard against overwriting
someone else's save."""

from django import forms
from django.core.exceptions import ValidationError

from articles import revisions, workflow
from articles.desk import desk_time
from articles.models import Article

# What a datetime-local input posts (with or without seconds), and a typed "date time".
LOCAL_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class TransitionForm(forms.Form):
    """The workflow part of a change-form POST: which move, its note, its time."""

    _transition = forms.ChoiceField(
        choices=[(action, move.label) for action, move in workflow.TRANSITIONS.items()]
    )
    workflow_note = forms.CharField(required=False)
    schedule_at = forms.DateTimeField(required=False, input_formats=LOCAL_TIME_FORMATS)


class ArticleEditionForm(forms.ModelForm):
    """The change form's guard against overwriting someone else's save."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_substantive_update = forms.BooleanField(
        label="Substantive update",
        required=False,
        help_text="Readers see “Updated” with the time of this save. Leave unticked for a "
        "typo fix.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.overtaken_by = None
        self.fields["seen_version"].initial = revisions.latest_number(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        seen = cleaned_data.get("seen_version")
        if seen is not None:
            self.refuse_if_overtaken(seen)
        return cleaned_data

    def refuse_if_overtaken(self, seen):
        """Refuse the save when someone saved after this form was opened.

        The row lock, held until the admin's transaction ends, stops a second save slipping in
        between this check and the write. The refused form carries the newest version number,
        so saving again (after reading their changes) is a deliberate choice.
        """
        Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        latest = self.instance.revisions.select_related("created_by").first()
        if latest is None or latest.number <= seen:
            return
        self.overtaken_by, self.overtaken_seen = latest, seen
        self.data = self.data.copy()
        self.data["seen_version"] = latest.number
        raise ValidationError(
            "%(who)s saved this article at %(when)s, after you opened it. Your changes have "
            "not been saved; they are still in the form below, and their changes are shown "
            "above it. Save again to replace their version with yours.",
            code="overtaken",
            params={
                "who": latest.author_name,
                "when": desk_time(latest.created_at),
            },
        )
