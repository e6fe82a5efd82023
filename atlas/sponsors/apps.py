from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "atlas.sponsors"
    verbose_name = "Sponsors"

    def ready(self) -> None:
        from atlas.delivery.rendering import set_sponsored_block
        from atlas.sponsors import signals  # noqa: F401
        from atlas.sponsors.services import email_block

        set_sponsored_block(email_block)
