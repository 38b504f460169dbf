"""The desk's pages at /admin/desk/, behind the admin's login (staff only, never cached)."""

from django.contrib import admin
from django.urls import path

from articles.desk import views

app_name = "desk"


def staff(view):
    return admin.site.admin_view(view)


urlpatterns = [
    path("", staff(views.index), name="index"),
    path("calendar/", staff(views.calendar), name="calendar"),
    path("<int:pk>/revisions/", staff(views.history), name="revisions"),
    path("<int:pk>/revisions/compare/", staff(views.compare), name="compare"),
    path("<int:pk>/revisions/<int:number>/restore/", staff(views.restore), name="restore"),
    path("<int:pk>/presence/", staff(views.heartbeat), name="presence"),
    path("<int:pk>/preview-links/", staff(views.share), name="share"),
    path(
        "<int:pk>/preview-links/<int:link_pk>/revoke/",
        staff(views.revoke_share),
        name="revoke_share",
    ),
]
