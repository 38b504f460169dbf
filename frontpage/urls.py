"""The front page desk at /admin/front-page/, behind the admin's login."""

from django.contrib import admin
from django.urls import path

from frontpage import views

app_name = "frontpage"

urlpatterns = [
    path("", admin.site.admin_view(views.edit), name="edit"),
    path("preview/", admin.site.admin_view(views.preview), name="preview"),
]
