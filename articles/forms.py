from django import forms

from articles.models import Section

QUERY_MAX_LENGTH = 200


class SearchForm(forms.Form):
    """The reader's search: words, and optionally a section and a publication date range."""

    q = forms.CharField(label="Search for", max_length=QUERY_MAX_LENGTH, required=False)
    section = forms.ModelChoiceField(
        queryset=Section.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    published_from = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        label="Published to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end date comes before the start date.")
        return cleaned
