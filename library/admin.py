from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from articles.images import LeadImageField
from library.models import Image
from library.pictures import thumbnail
from library.upload import add_many
from newsroom.admin import RecordIdAutocompleteSelect
from newsroom.params import is_record_id


class UseFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("unused", "Unused")]

    def queryset(self, request, queryset):
        return queryset.unused() if self.value() == "unused" else queryset


# What a picture may lack before a story can show it (the publish checklist asks for both),
# by field: the list's flags and its filter.
MISSING = {"alt": "No alt text", "credit": "No credit"}


class UndescribedFilter(admin.SimpleListFilter):
    """The pictures a story could not go out with yet."""

    title = "description"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return list(MISSING.items())

    def queryset(self, request, queryset):
        return queryset.undescribed(self.value()) if self.value() in MISSING else queryset


class TagFilter(admin.RelatedOnlyFieldListFilter):
    """The tags in use, and the images nobody has tagged yet under a name rather than "-"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "tag"
        self.empty_value_display = "No tags"


class ImageChoices(AutocompleteJsonView):
    """The autocomplete's answers, each with its thumbnail (static/library/choose-image.js)
    and whether the library describes it (the publish checklist, static/desk/checklist.js)."""

    def get_queryset(self):
        """Also one picture by its id (`?id=`): one added through the "+" popup arrives in the
        form with its title only, and the checklist asks here how the library describes it."""
        choices = super().get_queryset()
        picked = self.request.GET.get("id", "")
        return choices.filter(pk=picked) if is_record_id(picked) else choices

    def serialize_result(self, obj, to_field_name):
        url, _width, _height = thumbnail(obj)
        return super().serialize_result(obj, to_field_name) | {
            "thumbnail": url,
            "has_alt_text": obj.has_alt_text(),
            "has_credit": obj.has_credit(),
        }


class ImageSelect(RecordIdAutocompleteSelect):
    """Choose a library image by typing: thumbnails in the list (with ImageChoices)."""

    placeholder = "Type to search the library"

    def get_url(self):
        return reverse("admin:library_image_choices")

    scripts = [*RecordIdAutocompleteSelect.scripts, "library/choose-image.js"]
    styles = ["library/library.css"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The library page: thumbnails, search, filters, bulk upload and where each image is used."""

    list_display = ["thumbnail", "title", "description", "uploaded"]
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        ("tags", TagFilter),
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        ("uploaded_at", admin.DateFieldListFilter),
        UseFilter,
        UndescribedFilter,
    ]
    list_select_related = ["uploaded_by"]
    list_per_page = 60
    search_fields = ["title", "alt", "caption", "credit", "source", "tags__name"]
    formfield_overrides = {models.ImageField: {"form_class": LeadImageField}}
    readonly_fields = ["focal_point_picker", "uploaded_by", "uploaded_at", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "title", "alt", "caption", "credit", "source", "tags"]}),
        ("Focal point", {"fields": ["focal_point_picker", ("focal_x", "focal_y")]}),
        ("Record", {"fields": ["uploaded_by", "uploaded_at", "used_in"]}),
    ]

    class Media:
        css = {"all": ["library/library.css"]}
        js = ["library/focal-point.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_renditions()

    def view_on_site(self, image):
        """The picture itself, at its full size (the image's own page is this admin page)."""
        return image.file.url

    def get_urls(self):
        upload = self.admin_site.admin_view(self.bulk_upload_view)
        choices = self.admin_site.admin_view(ImageChoices.as_view(admin_site=self.admin_site))
        return [
            path("upload/", upload, name="library_image_upload"),
            path("choices/", choices, name="library_image_choices"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Picture")
    def thumbnail(self, image):
        # A link to the image's page like the title beside it: it needs a name of its own.
        return format_html(
            '<img class="library-thumbnail" src="{}" width="{}" height="{}" alt="{}">',
            *thumbnail(image),
            image.title,
        )

    @admin.display(description="Credit", ordering="credit")
    def description(self, image):
        """The credit, and what the picture still lacks before a story can show it."""
        written = {"alt": image.has_alt_text(), "credit": image.has_credit()}
        missing = [(label,) for field, label in MISSING.items() if not written[field]]
        return format_html(
            "{}{}",
            image.credit,
            format_html_join("", '<span class="library-missing">{}</span>', missing),
        )

    @admin.display(description="Uploaded", ordering="uploaded_at")
    def uploaded(self, image):
        """When, short, and by whom: the list leaves its width to the title and the credit."""
        when = date_format(localtime(image.uploaded_at), "j M Y")
        if image.uploaded_by is None:
            return when
        return format_html("{}<br>by {}", when, image.uploaded_by.get_username())

    @admin.display(description="Used in")
    def used_in(self, image):
        """The stories that show the picture: while there are any, it cannot be deleted."""
        stories = image.used_in() if image.pk else []
        if not stories:
            return "No story yet."
        return format_html(
            '<ul class="library-used-in">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
                    for story in stories
                ),
            ),
        )

    @admin.display(description="Click the picture where its subject is")
    def focal_point_picker(self, image):
        if not image.pk:
            return "Save the picture first; then click it to set the focal point."
        return format_html(
            '<div class="focal-picker" data-focal-picker>'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-marker" aria-hidden="true"></span></div>',
            image.file.url,
            image.width,
            image.height,
            image.alt,
        )

    def bulk_upload_view(self, request):
        """Many files at once: each stored or refused on its own (the page's script sends one
        file per request, with a progress bar; without the script they come all together)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload pictures",
        }
        if request.method != "POST":
            return TemplateResponse(request, "admin/library/image/upload.html", context)
        images, errors = add_many(request.FILES.getlist("files"), by=request.user)
        if request.headers.get("Accept") == "application/json":
            return JsonResponse(
                {
                    "added": [
                        {"title": image.title, "url": image.get_absolute_url()} for image in images
                    ],
                    "refused": [{"name": name, "reason": reason} for name, reason in errors],
                },
                status=400 if errors else 200,
            )
        if images:
            self.message_user(request, f"Added {len(images)} picture(s) to the library.")
        for _name, reason in errors:
            self.message_user(request, reason, messages.ERROR)
        return redirect("admin:library_image_changelist")
