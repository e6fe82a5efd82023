from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "atlas.publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from atlas.publishing import hooks, signals  # noqa: F401  (hooks declares the slots)
        from atlas.publishing.roles import ensure_roles
        from atlas.publishing.services import publish_due_posts
        from atlas.runtime.hooks import register_periodic_job

        post_migrate.connect(ensure_roles, dispatch_uid="atlas-roles")
        register_periodic_job(30.0, publish_due_posts)
