"""The writing desk's addresses, in the newsroom's namespace (included by `newsroom/urls.py`)."""

from django.urls import path

from atlas.newsroom import editor, editor_api

urlpatterns = [
    path("posts/new/", editor.new_post, name="post_new"),
    path("posts/new/autosave/", editor_api.autosave_new, name="post_new_autosave"),
    path("posts/<int:post_id>/", editor.edit_post, name="post_edit"),
    path("posts/<int:post_id>/autosave/", editor_api.autosave, name="post_autosave"),
    path("posts/<int:post_id>/preview/", editor.post_preview, name="post_preview"),
    path("posts/<int:post_id>/email/", editor_api.email_preview, name="post_email_preview"),
    path("posts/<int:post_id>/publish/", editor.post_publish, name="post_publish"),
    path("posts/<int:post_id>/unschedule/", editor.post_unschedule, name="post_unschedule"),
    path("posts/<int:post_id>/review/", editor.post_review, name="post_review"),
    path("posts/<int:post_id>/corrections/", editor.post_corrections, name="post_corrections"),
    path(
        "posts/<int:post_id>/corrections/preview/",
        editor.correction_preview,
        name="post_correction_preview",
    ),
    path("posts/<int:post_id>/feature-image/", editor_api.feature_image, name="post_feature_image"),
    path("posts/<int:post_id>/presence/", editor_api.presence, name="post_presence"),
    path("images/", editor_api.image_upload, name="editor_image_upload"),
    path("tags/", editor_api.tags, name="editor_tags"),
    path("authors/", editor_api.authors, name="editor_authors"),
]
