"""The desk's pages at /admin/desk/, behind the admin's login (staff only, never cached)."""

from django.contrib import admin
from django.urls import path

from articles import editor
from articles.desk import mine, planning, views

app_name = "desk"


def staff(view):
    return admin.site.admin_view(view)


urlpatterns = [
    path("", staff(views.index), name="index"),
    path("mine/", staff(mine.my_stories), name="my_stories"),
    path("mine/mail/", staff(mine.notification_settings), name="notifications"),
    path("calendar/", staff(planning.calendar), name="calendar"),
    path("<id:pk>/reschedule/", staff(planning.reschedule), name="reschedule"),
    path("body-preview/", staff(editor.body_preview), name="body_preview"),
    path("<id:pk>/revisions/", staff(views.history), name="revisions"),
    path("<id:pk>/revisions/compare/", staff(views.compare), name="compare"),
    path("<id:pk>/revisions/<id:number>/restore/", staff(views.restore), name="restore"),
    path("<id:pk>/presence/", staff(views.heartbeat), name="presence"),
    path("<id:pk>/preview-links/", staff(views.share), name="share"),
    path(
        "<id:pk>/preview-links/<id:link_pk>/revoke/",
        staff(views.revoke_share),
        name="revoke_share",
    ),
]
