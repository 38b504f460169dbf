from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, register_converter

from comments import desk
from newsroom.health import healthz
from newsroom.params import RecordIdConverter

# Before any URLconf is read: every record id in a URL is an `<id:...>`.
register_converter(RecordIdConverter, "id")

urlpatterns = [
    path("admin/desk/", include("articles.desk.urls")),
    path("admin/front-page/", include("frontpage.urls")),
    # The admin's login, landing moderators on their desk (comments/desk.py).
    path("admin/login/", desk.login),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "newsroom.errors.bad_request"
handler403 = "newsroom.errors.permission_denied"
handler404 = "newsroom.errors.page_not_found"
handler500 = "newsroom.errors.server_error"

admin.site.site_header = f"{settings.NEWSROOM_NAME} desk"
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "The editorial desk"
