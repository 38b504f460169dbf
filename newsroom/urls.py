from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from newsroom.health import healthz

urlpatterns = [
    path("admin/desk/", include("articles.desk.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = f"{settings.NEWSROOM_NAME} desk"
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "The editorial desk"
