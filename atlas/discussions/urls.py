from django.urls import path

from atlas.discussions import views

app_name = "discussions"

urlpatterns = [
    path("posts/<str:slug>/comments/", views.create, name="create"),
    path("comments/<int:comment_id>/reply/", views.reply, name="reply"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
    path("comments/<int:comment_id>/like/", views.like, name="like"),
    path("comments/<int:comment_id>/report/", views.report, name="report"),
    path("comments/reply-emails/", views.reply_emails, name="notifications"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
