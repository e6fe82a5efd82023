from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "atlas.runtime"
    verbose_name = "Runtime"

    def ready(self) -> None:
        from atlas.runtime import checks  # noqa: F401  (registers the deploy check)
        from atlas.runtime.hooks import register_periodic_job
        from atlas.runtime.ratelimit import prune

        register_periodic_job(3600.0, prune)
