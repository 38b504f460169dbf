from django.urls import path

from comments import desk, views

app_name = "comments"

urlpatterns = [
    path("comments/article/<id:article_id>/", views.post_comment, name="post"),
    path("comments/article/<id:article_id>/token/", views.form_token, name="token"),
    path("comments/<id:comment_id>/reply/", views.reply, name="reply"),
    path("comments/<id:comment_id>/report/", views.report, name="report"),
    path("comments/<id:comment_id>/thread/", views.thread, name="thread"),
    path("comments/<id:comment_id>/like/", views.like, name="like"),
    path("comments/<id:comment_id>/feature/", views.feature, name="feature"),
    path("comments/article/<id:article_id>/count/", views.count, name="count"),
    path(
        "comments/article/<id:article_id>/awaiting-review/",
        views.awaiting_review,
        name="awaiting_review",
    ),
    path("comments/replies/confirm/<str:token>/", views.confirm_replies, name="confirm_replies"),
    path(
        "comments/replies/unsubscribe/<str:token>/",
        views.unsubscribe_replies,
        name="unsubscribe_replies",
    ),
    path("moderation/", desk.queue, name="queue"),
    path("moderation/decide/", desk.decide, name="decide"),
    path("moderation/undo/", desk.undo, name="undo"),
    path("moderation/history/<id:comment_id>/", desk.history, name="history"),
    path("moderation/log/", desk.log, name="log"),
    path("moderation/overview/", desk.overview, name="overview"),
]
