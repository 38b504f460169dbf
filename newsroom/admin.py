"""Admin building blocks shared by the apps."""

from django.contrib import admin


class LogAdmin(admin.ModelAdmin):
    """An append-only log in the admin: readable and filterable, never added to or edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
