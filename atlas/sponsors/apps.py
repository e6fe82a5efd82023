from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "atlas.sponsors"
    verbose_name = "Sponsors"

    def ready(self) -> None:
        from atlas.delivery.rendering import set_sponsored_block, set_sponsored_text
        from atlas.publishing.admin import POST_EXTRA_INLINES
        from atlas.sponsors import signals  # noqa: F401
        from atlas.sponsors.admin import SponsorshipOptOutInline
        from atlas.sponsors.services import email_block, email_text_block

        set_sponsored_block(email_block)
        set_sponsored_text(email_text_block)
        POST_EXTRA_INLINES.append(SponsorshipOptOutInline)
