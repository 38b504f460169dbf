from django import forms
from django.contrib import admin, messages

from comments import moderation
from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentSettings,
    DecisionReason,
    ModerationLogEntry,
    WordListTerm,
)
from newsroom.admin import LogAdmin


def _decision_action(action, reason="", label=""):
    """An admin action that decides through comments/moderation/, like the queue does."""

    @admin.action(description=label, permissions=["moderate"])
    def apply(modeladmin, request, queryset):
        selections = [(comment, comment.revision) for comment in queryset]
        decided, refusals = moderation.decide_many(
            selections=selections, by=request.user, action=action, reason=reason
        )
        modeladmin.message_user(request, f"{len(decided)} comment(s): {label.lower()}.")
        for refusal in refusals:
            modeladmin.message_user(request, refusal, messages.WARNING)

    apply.__name__ = f"{action}_{reason}".rstrip("_")
    return apply


def _pick_action(is_featured, label):
    """An admin action that marks editors' picks through comments/moderation/, like the
    button on the article page."""

    @admin.action(description=label, permissions=["feature"])
    def apply(modeladmin, request, queryset):
        changed = sum(
            moderation.feature(comment=comment, by=request.user, is_featured=is_featured)
            for comment in queryset
        )
        modeladmin.message_user(request, f"{changed} comment(s): {label.lower()}.")

    apply.__name__ = "pick" if is_featured else "unpick"
    return apply


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Find any comment; decisions go through the same functions as the moderation queue."""

    list_display = [
        "name",
        "email",
        "article",
        "status",
        "rule",
        "is_featured",
        "like_count",
        "open_report_count",
        "posted_at",
    ]
    list_filter = ["status", "rule", "is_by_staff", "is_featured"]
    list_select_related = ["article"]
    search_fields = ["name", "email", "body"]
    date_hierarchy = "posted_at"
    actions = [
        _decision_action("approve", label="Approve"),
        _decision_action("spam", label="Mark spam"),
        _decision_action("remove", label="Remove at the author's request"),
        *[
            _decision_action("reject", code, f"Reject: {label}")
            for code, label in DecisionReason.for_rejecting()
        ],
        _pick_action(True, "Make editors' pick"),
        _pick_action(False, "Withdraw editors' pick"),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # Status changes are decisions: they go through the actions.

    def has_delete_permission(self, request, obj=None):
        return False  # Nothing is deleted by moderation; see the erase_commenter command.

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_feature_permission(self, request):
        return request.user.has_perm("comments.feature_comment")


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(LogAdmin):
    list_display = ["logged_at", "actor_name", "action", "from_status", "to_status", "reason"]
    list_filter = ["action", "rule", "actor"]
    list_select_related = ["actor"]
    date_hierarchy = "logged_at"


@admin.register(WordListTerm)
class WordListTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term", "note"]


class BanAdmin(admin.ModelAdmin):
    list_filter = ["expires_at"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BannedEmail)
class BannedEmailAdmin(BanAdmin):
    list_display = ["email", "expires_at", "note", "created_by"]
    search_fields = ["email"]


@admin.register(BannedDomain)
class BannedDomainAdmin(BanAdmin):
    list_display = ["domain", "expires_at", "note", "created_by"]
    search_fields = ["domain"]


class BannedNetworkForm(forms.ModelForm):
    is_wide_range_meant = forms.BooleanField(
        label="Ban a wider range",
        required=False,
        help_text="Superusers only: ban a range wider than /16 (IPv4) or /32 (IPv6).",
    )

    class Meta:
        model = BannedNetwork
        fields = ["network", "expires_at", "note"]

    def clean(self):
        cleaned = super().clean()
        problem = BannedNetwork(network=cleaned.get("network") or "").width_problem()
        is_overridden = cleaned.get("is_wide_range_meant") and self.user.is_superuser
        if problem and not is_overridden:
            self.add_error("network", problem)
        return cleaned


@admin.register(BannedNetwork)
class BannedNetworkAdmin(BanAdmin):
    form = BannedNetworkForm
    list_display = ["network", "expires_at", "note", "created_by"]
    search_fields = ["network"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # A class made for this request by modelform_factory.
        return form


@admin.register(CommentSettings)
class CommentSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "report_threshold",
        "auto_close_days",
        "default_moderation_mode",
        "threads_per_page",
    ]

    def has_add_permission(self, request):
        # The one row comes from a migration (and CommentSettings.load() remakes it), so
        # there is never a second one to add; not asking keeps admin pages' queries fixed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
