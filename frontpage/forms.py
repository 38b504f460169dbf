"""The front page's editing form: the banner, and a story chooser for every place."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from frontpage.models import PLACE_SIZES, Place, Slot
from newsroom.admin import RecordIdAutocompleteSelect
from newsroom.params import is_record_id

# Without JavaScript a chooser is a plain list of this many newest stories (and its own).
NEWEST_CHOICES = 60
DATETIME = "%Y-%m-%dT%H:%M"


def moment_field(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME),
    )


def to_come(moment):
    """A pin or banner that comes down in the past would never show: refuse it."""
    if moment and moment <= timezone.now():
        raise ValidationError("This moment has passed: leave it empty or pick a later one.")
    return moment


class Stories:
    """The stories every chooser of one form lists, read once: the newest readers see and
    those already chosen, with their headlines."""

    def __init__(self, chosen_ids):
        published = Article.objects.published()
        newest = list(published.newest_first().values_list("pk", "headline")[:NEWEST_CHOICES])
        missing = set(chosen_ids) - {pk for pk, _ in newest}
        self.newest = [pk for pk, _ in newest]
        self.headlines = dict(newest)
        if missing:
            self.headlines |= dict(published.filter(pk__in=missing).values_list("pk", "headline"))


class StoryChooser(RecordIdAutocompleteSelect):
    """The admin's autocomplete over the stories readers see; without JavaScript, a plain
    list of the newest of them and the one already chosen."""

    placeholder = "Type to search published stories"

    def __init__(self, stories):
        # The box takes its column's width: headlines are long.
        attrs = {"data-width": "100%"}
        super().__init__(Slot._meta.get_field("article"), admin.site, attrs=attrs)
        self.stories = stories

    def optgroups(self, name, value, attr=None):
        chosen = {int(v) for v in value if is_record_id(v)} & set(self.stories.headlines)
        listed = [*chosen, *(pk for pk in self.stories.newest if pk not in chosen)]
        options = [self.create_option(name, "", "— automatic —", not chosen, 0)]
        options += [
            self.create_option(name, pk, self.stories.headlines[pk], pk in chosen, index)
            for index, pk in enumerate(listed, start=1)
        ]
        return [(None, options, 0)]


class BannerForm(forms.Form):
    text = forms.CharField(label="Breaking-news banner", max_length=200, required=False)
    url = forms.CharField(
        label="Banner link",
        max_length=500,
        required=False,
        help_text="A page of this site (/news/...) or an https:// address.",
    )
    expires_at = moment_field("Banner comes down at", "Empty: it stays until you remove it.")

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url and not (
            (url.startswith("/") and not url.startswith("//"))
            or url.lower().startswith(("https://", "http://"))
        ):
            raise ValidationError("Give a page of this site (/news/...) or an https:// address.")
        return url

    def clean_expires_at(self):
        return to_come(self.cleaned_data["expires_at"])

    def clean(self):
        data = super().clean()
        if data.get("url") and not data.get("text"):
            self.add_error("text", "A banner with a link needs its text.")
        return data


class SlotForm(forms.Form):
    article = forms.ModelChoiceField(
        queryset=Article.objects.published(),
        required=False,
        label="Story",
        error_messages={"invalid_choice": "Readers cannot see this story now: choose another."},
    )
    expires_at = moment_field("Comes down at")

    def __init__(self, *args, stories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].widget = StoryChooser(stories)

    def clean_expires_at(self):
        return to_come(self.cleaned_data["expires_at"])


class Arrangement:
    """The banner and every place's choosers, as one form; `changes()` what to save."""

    def __init__(self, layout, data=None):
        self.layout = layout
        current = {place: [] for place in Place}
        # A pin already down is no longer on the page: it is not offered again.
        for slot in layout.slots.showing(timezone.now()).order_by("place", "position"):
            current[slot.place].append({"article": slot.article_id, "expires_at": slot.expires_at})
        posted = [value for key, value in (data or {}).items() if key.endswith("-article")]
        stories = Stories(
            [slot["article"] for slots in current.values() for slot in slots]
            + [int(value) for value in posted if is_record_id(value)]
        )
        self.banner = BannerForm(
            data,
            prefix="banner",
            initial={
                "text": layout.banner_text,
                "url": layout.banner_url,
                "expires_at": layout.banner_expires_at,
            },
        )
        self.places = []
        for place in Place:
            size = PLACE_SIZES[place]
            initial = [*current[place], *({} for _ in range(size - len(current[place])))]
            formset = forms.formset_factory(
                SlotForm,
                extra=0,
                can_order=True,
                can_delete=True,
                max_num=size,
                absolute_max=size,
                validate_max=True,
            )(
                data,
                prefix=place,
                initial=[{**slot, "ORDER": n} for n, slot in enumerate(initial, start=1)],
                form_kwargs={"stories": stories},
            )
            for form in formset:
                form.fields["DELETE"].label = "Clear"
                form.fields["ORDER"].label = "Order"
            self.places.append((place, formset))

    def __iter__(self):
        return iter(self.places)

    @property
    def media(self):
        return sum((formset.media for _, formset in self.places), self.banner.media)

    def is_valid(self):
        valid = self.banner.is_valid()
        valid = all([formset.is_valid() for _, formset in self.places]) and valid
        if not valid:
            return False
        seen = {}
        for place, formset in self.places:
            for n, form in enumerate(formset, start=1):
                article = self._chosen(form)
                if article is None:
                    continue
                if article.pk in seen:
                    form.add_error(
                        "article", f"“{article.headline}” is already in {seen[article.pk]}."
                    )
                    valid = False
                seen[article.pk] = f"{place.label} {n}" if PLACE_SIZES[place] > 1 else place.label
        return valid

    @staticmethod
    def _chosen(form):
        data = form.cleaned_data
        return None if data.get("DELETE") else data.get("article")

    def changes(self):
        """What `publishing.save_draft()` takes: the banner and each place's stories in order."""
        banner = self.banner.cleaned_data
        slots = {}
        for place, formset in self.places:
            chosen = [
                (form.cleaned_data.get("ORDER") or n, n, form)
                for n, form in enumerate(formset, start=1)
                if self._chosen(form)
            ]
            slots[place] = [
                (form.cleaned_data["article"], form.cleaned_data["expires_at"])
                for _, _, form in sorted(chosen, key=lambda entry: entry[:2])
            ]
        return {
            "banner": {
                "text": banner["text"],
                "url": banner["url"] if banner["text"] else "",
                "expires_at": banner["expires_at"],
            },
            "slots": slots,
        }
