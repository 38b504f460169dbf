from django.urls import path

from comments import desk, views

app_name = "comments"

urlpatterns = [
    path("comments/article/<id:article_id>/", views.post_comment, name="post"),
    path("comments/article/<id:article_id>/token/", views.form_token, name="token"),
    path("comments/<id:comment_id>/reply/", views.reply, name="reply"),
    path("comments/<id:comment_id>/report/", views.report, name="report"),
    path("moderation/", desk.queue, name="queue"),
    path("moderation/decide/", desk.decide, name="decide"),
    path("moderation/log/", desk.log, name="log"),
    path("moderation/overview/", desk.overview, name="overview"),
]
