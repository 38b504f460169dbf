"""Admin building blocks shared by the apps."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from articles.roles import lands_on_my_stories


class NewsroomAdminSite(admin.AdminSite):
    """The desk's admin: reporters land on their own stories, everyone else on the index."""

    def index(self, request, extra_context=None):
        if lands_on_my_stories(request.user):
            return redirect("desk:my_stories")
        return super().index(request, extra_context)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin.NewsroomAdminSite"


class LogAdmin(admin.ModelAdmin):
    """An append-only log in the admin: readable and filterable, never added to or edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_page(model_admin, request, template, title, **context):
    """A page of a model admin's own (a desk view, a revision history) inside the admin's
    frame: its sidebar, breadcrumbs' options and title."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            **context,
        },
    )
