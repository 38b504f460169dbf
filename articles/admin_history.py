"""The article admin's memory: revisions, compare, restore, concurrent edits, corrections,
substantive updates and preview links.

`ArticleHistoryAdminMixin` is cooperative (every hook calls super()), so it combines with
other mixins on ArticleAdmin. Its additions to the change form live in
templates/admin/articles/article/_revision_panel.html.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles import presence, previews, revisions
from articles.admin_inlines import StoryRowsFormSet
from articles.models import Article, Correction, PreviewLink, Revision
from newsroom.admin import admin_page


class CorrectionInline(admin.StackedInline):
    """Corrections are added on the story they correct, once readers have seen it."""

    model = Correction
    formset = StoryRowsFormSet
    extra = 0
    fields = [("kind", "published_at"), "text"]


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
                "when": format_date(timezone.localtime(latest.created_at), "H:i T, j M"),
            },
        )


class ArticleHistoryAdminMixin:
    """Revisions, optimistic concurrency, presence, corrections and previews for articles."""

    @property
    def media(self):
        # Files, not inline code: the Content-Security-Policy refuses inline style and script.
        return super().media + forms.Media(
            css={"all": ["articles/revisions.css"]}, js=["articles/presence.js"]
        )

    # The change form.

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (ArticleEditionForm, base), {})
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and obj.has_been_published:
            inlines = [*inlines, CorrectionInline]
        return inlines

    def save_model(self, request, obj, form, change):
        if change and not obj.revisions.exists():
            # An imported or older story: keep how it stood, so its first edit has a diff.
            revisions.record(
                Article.objects.get(pk=obj.pk), None, summary="As it stood before the desk"
            )
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("is_substantive_update") and obj.has_been_published:
            obj.mark_updated()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            for correction in formset.new_objects:
                form.instance.mark_updated(correction.published_at)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.record(form.instance, request.user)
        presence.leave(form.instance, request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["revision_panel"] = self.revision_panel(request, obj, context["adminform"].form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revision_panel(self, request, article, form):
        """What the change form shows about versions, other editors and preview links."""
        latest = article.revisions.select_related("created_by").first()
        panel = {
            "latest": latest,
            "latest_changes_url": (
                self.compare_url(article, latest.number - 1, latest.number) if latest else None
            ),
            "others_editing": presence.touch(article, request.user),
            "form": form,
            "can_share": request.user.has_perm("articles.add_previewlink"),
            "can_revoke": request.user.has_perm("articles.change_previewlink"),
            "preview_links": [
                (link, request.build_absolute_uri(link.get_absolute_url()))
                for link in article.preview_links.filter(
                    revoked_at__isnull=True, expires_at__gt=timezone.now()
                )
            ],
        }
        if form.overtaken_by is not None:
            # A form opened before the story's first desk save saw what version 1 keeps.
            opened = max(form.overtaken_seen, 1)
            seen = article.revisions.filter(number=opened).first()
            panel["overtaken"] = {
                "revision": form.overtaken_by,
                "changes": revisions.compare(
                    seen.snapshot if seen else {}, form.overtaken_by.snapshot
                ),
                "compare_url": self.compare_url(article, opened, form.overtaken_by.number),
            }
        return panel

    # History, compare and restore.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/revisions/", view(self.revisions_view), name="articles_article_revisions"
            ),
            path(
                "<int:pk>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path("<int:pk>/presence/", view(self.presence_view), name="articles_article_presence"),
            path(
                "<int:pk>/preview-links/",
                view(self.create_preview_link_view),
                name="articles_article_share",
            ),
            path(
                "<int:pk>/preview-links/<int:link_pk>/revoke/",
                view(self.revoke_preview_link_view),
                name="articles_article_revoke_share",
            ),
            *super().get_urls(),
        ]

    def article_or_404(self, request, pk, *, for_change=False):
        article = self.get_object(request, str(pk))
        if article is None:
            raise Http404("No article with this number.")
        allowed = (
            self.has_change_permission(request, article)
            if for_change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def history_page(self, request, template, article, title, **context):
        return admin_page(
            self, request, f"admin/articles/article/{template}", title, article=article, **context
        )

    def compare_url(self, article, old, new="live"):
        """One click from anywhere to a diff between two version numbers (0: none yet)."""
        url = reverse("admin:articles_article_compare", args=[article.pk])
        return f"{url}?from={old}&to={new}"

    def revisions_view(self, request, pk):
        article = self.article_or_404(request, pk)
        history = list(article.revisions.select_related("created_by").defer("snapshot"))
        # Each revision with the one before it (none for the first, nor for an imported
        # story that no one has saved at the desk yet).
        previous = [*history[1:], None] if history else []
        rows = [
            {
                "revision": revision,
                "previous_url": (
                    self.compare_url(article, older.number, revision.number) if older else None
                ),
                "live_url": self.compare_url(article, revision.number),
            }
            for revision, older in zip(history, previous, strict=True)
        ]
        return self.history_page(
            request,
            "revisions.html",
            article,
            f"Revisions of “{article}”",
            rows=rows,
            latest_vs_live_url=self.compare_url(article, history[0].number) if history else None,
            can_restore=self.has_change_permission(request, article),
        )

    def compare_view(self, request, pk):
        """Two revisions side by side; `to=live` compares with the article as it is now."""
        article = self.article_or_404(request, pk)
        old, old_label = self.version(request, article, "from")
        new, new_label = self.version(request, article, "to")
        return self.history_page(
            request,
            "compare.html",
            article,
            f"Changes to “{article}”",
            old_label=old_label,
            new_label=new_label,
            changes=revisions.compare(old, new),
        )

    def version(self, request, article, param):
        """The snapshot a compare parameter names: a revision number, 0 (empty) or "live"."""
        value = request.GET.get(param, "live")
        if value == "live":
            return revisions.snapshot(article), "the live article"
        if value == "0":
            return {}, "nothing (before the first save)"
        try:
            revision = article.revisions.get(number=int(value))
        except (ValueError, Revision.DoesNotExist):
            raise Http404(f"No version {value!r} of this article.") from None
        return revision.snapshot, f"version {revision.number}"

    def restore_view(self, request, pk, number):
        """GET shows what restoring would change; POST restores, as a new revision."""
        article = self.article_or_404(request, pk, for_change=True)
        revision = get_object_or_404(article.revisions, number=number)
        if request.method == "POST":
            restored = revisions.restore(revision, by=request.user)
            self.message_user(
                request,
                f"Restored version {revision.number} as version {restored.number}.",
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", article.pk)
        return self.history_page(
            request,
            "restore.html",
            article,
            f"Restore version {revision.number} of “{article}”?",
            revision=revision,
            changes=revisions.compare(revisions.snapshot(article), revision.snapshot),
        )

    # Presence and preview links.

    @method_decorator(require_POST)
    def presence_view(self, request, pk):
        """The change form's heartbeat: still here; who else is?"""
        article = self.article_or_404(request, pk)
        return JsonResponse({"others": presence.touch(article, request.user)})

    @method_decorator(require_POST)
    def create_preview_link_view(self, request, pk):
        article = self.article_or_404(request, pk)
        if not request.user.has_perm("articles.add_previewlink"):
            raise PermissionDenied
        link = previews.create_link(article, by=request.user)
        self.message_user(
            request,
            f"Preview link created, working until "
            f"{format_date(timezone.localtime(link.expires_at), 'j M H:i T')}: "
            f"{request.build_absolute_uri(link.get_absolute_url())}",
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    @method_decorator(require_POST)
    def revoke_preview_link_view(self, request, pk, link_pk):
        article = self.article_or_404(request, pk)
        if not request.user.has_perm("articles.change_previewlink"):
            raise PermissionDenied
        previews.revoke(get_object_or_404(PreviewLink, pk=link_pk, article=article))
        self.message_user(request, "Preview link revoked: it no longer works.", messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)
