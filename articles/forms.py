from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from articles.models import Section
from newsroom.params import EARLIEST_DATE, LATEST_DATE

QUERY_MAX_LENGTH = 200
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"inputmode": "numeric"})
# The dates a newsroom uses, which both databases and a day's arithmetic hold.
DATE_RANGE = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


class SearchForm(forms.Form):
    """The reader's search: words, and optionally a section and a publication date range."""

    q = forms.CharField(label="Search for", max_length=QUERY_MAX_LENGTH, required=False)
    section = forms.ModelChoiceField(
        queryset=Section.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    # Text, not type="date": a mistyped date is shown back as typed, which a date input
    # cannot hold.
    published_from = forms.DateField(
        label="Published from (YYYY-MM-DD)",
        required=False,
        widget=DATE_INPUT,
        validators=DATE_RANGE,
    )
    published_to = forms.DateField(
        label="Published to (YYYY-MM-DD)",
        required=False,
        widget=DATE_INPUT,
        validators=DATE_RANGE,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end date comes before the start date.")
        return cleaned
