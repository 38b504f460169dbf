from django import forms

from articles.models import Section

QUERY_MAX_LENGTH = 200
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"inputmode": "numeric"})


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
        label="Published from (YYYY-MM-DD)", required=False, widget=DATE_INPUT
    )
    published_to = forms.DateField(
        label="Published to (YYYY-MM-DD)", required=False, widget=DATE_INPUT
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end date comes before the start date.")
        return cleaned
