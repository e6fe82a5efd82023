from django.apps import AppConfig

# What an editor may do in discussions: moderate (the admin's queue, bans, per-post settings).
MODERATION = [
    "discussions.view_comment", "discussions.change_comment", "discussions.view_report",
    "discussions.change_report", "discussions.view_commentingban", "discussions.add_commentingban",
    "discussions.change_commentingban", "discussions.view_moderationaction",
    "discussions.view_discussionsettings", "discussions.change_discussionsettings",
    "discussions.view_postdiscussion", "discussions.add_postdiscussion",
    "discussions.change_postdiscussion", "discussions.delete_postdiscussion",
]  # fmt: skip


class DiscussionsConfig(AppConfig):
    name = "atlas.discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from atlas.discussions import signals  # noqa: F401
        from atlas.discussions.exporting import comments_of, likes_of, reports_of
        from atlas.discussions.importing import import_comments
        from atlas.discussions.slot import discussion_slot
        from atlas.members.hooks import register_data_section
        from atlas.publishing.hooks import (
            register_comment_importer,
            register_role_permissions,
            register_slot,
        )

        register_slot("discussion", discussion_slot, same_for="visitor")
        register_data_section("comments", comments_of)
        register_data_section("comment_likes", likes_of)
        register_data_section("comment_reports", reports_of)
        register_comment_importer(import_comments)
        register_role_permissions("Editor", MODERATION)
