from django.apps import AppConfig

EDITOR_PERMISSIONS = [
    "sponsors.view_sponsor", "sponsors.view_campaign", "sponsors.view_sponsorshipoptout",
    "sponsors.add_sponsorshipoptout", "sponsors.change_sponsorshipoptout",
    "sponsors.delete_sponsorshipoptout",
]  # fmt: skip


class SponsorsConfig(AppConfig):
    name = "atlas.sponsors"
    verbose_name = "Sponsors"

    def ready(self) -> None:
        from atlas.delivery.hooks import EmailBlock, register_email_block
        from atlas.lib.hooks import include
        from atlas.publishing.hooks import (
            register_editor_panel,
            register_post_admin_inline,
            register_role_permissions,
            register_slot,
        )
        from atlas.runtime.hooks import register_periodic_job
        from atlas.sponsors import signals  # noqa: F401
        from atlas.sponsors.admin import SponsorshipOptOutInline
        from atlas.sponsors.editor_panel import panel
        from atlas.sponsors.placement import block_variant
        from atlas.sponsors.services import email_block, email_text_block, refresh_sponsorships

        # Kept per page and variant: rendered again only for a new lineup, hour or kind of reader.
        for slot, template in (
            ("after_paragraph", "sponsors/after_paragraph.html"),
            ("article_end", "sponsors/article_end.html"),
        ):
            register_slot(slot, include(template), same_for="page", varies_by=block_variant)
        register_email_block("after_body", EmailBlock(html=email_block, text=email_text_block))
        register_post_admin_inline(SponsorshipOptOutInline)
        register_editor_panel(panel)
        register_periodic_job(60.0, refresh_sponsorships)
        register_role_permissions("Editor", EDITOR_PERMISSIONS)
