from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "atlas.publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from atlas.publishing import signals  # noqa: F401
        from atlas.publishing.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="atlas-roles")
