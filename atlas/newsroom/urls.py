"""The newsroom's routes. Every view is a `staff_view(permission)` or a `public_view`
(tests/test_newsroom_routes.py walks them all as every role). The post editor's routes
(posts/new/, posts/<id>/...) come from its own module."""

from django.urls import include, path

from atlas.newsroom import (
    billing,
    comments,
    imports,
    member_imports,
    members,
    numbers,
    posts,
    search,
    sends,
    settings_pages,
    sponsors,
    views,
)
from atlas.newsroom.editor_urls import urlpatterns as editor_urlpatterns

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("theme.css", views.theme, name="theme"),
    path("welcome/<str:uidb64>/<str:token>/", settings_pages.welcome, name="welcome"),
    # Posts (the editor itself is at posts/new/ and posts/<id>/)
    path("posts/", posts.post_list, name="posts"),
    path("search/", search.search, name="search"),
    # Sends
    path("sends/", sends.send_list, name="sends"),
    path("sends/new/", sends.send_new, name="send_new"),
    path("sends/preview/<int:post_id>/", sends.send_preview, name="send_preview"),
    path("sends/<int:send_id>/", sends.send_detail, name="send"),
    path("sends/<int:send_id>/progress.json", sends.send_progress, name="send_progress"),
    path("sends/<int:send_id>/act/", sends.send_act, name="send_act"),
    # Comments
    path("comments/", comments.comment_list, name="comments"),
    path("comments/bulk/", comments.comment_bulk, name="comment_bulk"),
    path("comments/audit/", comments.audit_trail, name="audit_trail"),
    path("comments/<int:comment_id>/", comments.comment_detail, name="comment"),
    path("comments/<int:comment_id>/act/", comments.comment_act, name="comment_act"),
    path("comments/member/<int:member_id>/", comments.member_history, name="comment_member"),
    path("comments/bans/<int:ban_id>/lift/", comments.lift_ban, name="lift_ban"),
    # Members
    path("members/", members.member_list, name="members"),
    path("members/labels/", members.member_labels, name="member_labels"),
    path("members/export.csv", members.member_export, name="member_export"),
    path("members/import/", member_imports.import_start, name="member_import_start"),
    path("members/import/<int:import_id>/", member_imports.import_detail, name="member_import"),
    path(
        "members/import/<int:import_id>/progress.json",
        member_imports.import_progress,
        name="member_import_progress",
    ),
    path(
        "members/import/<int:import_id>/decide/",
        member_imports.import_decide,
        name="member_import_decide",
    ),
    path("members/<int:member_id>/", members.member_detail, name="member"),
    # Sponsors
    path("sponsors/", sponsors.calendar_view, name="sponsors"),
    path("sponsors/campaigns/new/", sponsors.campaign_edit, name="campaign_new"),
    path("sponsors/campaigns/<int:campaign_id>/", sponsors.campaign_edit, name="campaign"),
    path(
        "sponsors/campaigns/<int:campaign_id>/status/",
        sponsors.campaign_status,
        name="campaign_status",
    ),
    path(
        "sponsors/campaigns/<int:campaign_id>/report/",
        sponsors.campaign_report,
        name="campaign_report",
    ),
    path(
        "sponsors/campaigns/<int:campaign_id>/report.csv",
        sponsors.campaign_csv,
        name="campaign_csv",
    ),
    path(
        "sponsors/campaigns/<int:campaign_id>/chart.svg",
        sponsors.campaign_chart,
        name="campaign_chart",
    ),
    path(
        "sponsors/campaigns/<int:campaign_id>/revoke/",
        sponsors.campaign_revoke,
        name="campaign_revoke",
    ),
    # Numbers
    path("numbers/", numbers.dashboard, name="numbers"),
    path("numbers/posts/<int:post_id>/", numbers.article, name="numbers_article"),
    # Paid tiers (billing's pages)
    path("tiers/", include(billing.urlpatterns)),
    # Moving in: posts from another platform (importing's pages)
    path("import/", imports.start, name="import"),
    path("import/<int:pk>/", imports.detail, name="import_detail"),
    path("import/<int:pk>/decide/", imports.decide, name="import_decide"),
    # Settings
    path("settings/", settings_pages.settings_index, name="settings"),
    path("settings/staff/", settings_pages.staff_page, name="staff"),
    path("settings/staff/<int:user_id>/", settings_pages.staff_change, name="staff_change"),
    path("settings/newsletters/new/", settings_pages.newsletter_edit, name="newsletter_new"),
    path(
        "settings/newsletters/<int:newsletter_id>/",
        settings_pages.newsletter_edit,
        name="newsletter",
    ),
    path("settings/<slug:key>/", settings_pages.settings_section, name="settings_section"),
]
urlpatterns += editor_urlpatterns
