from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "atlas.analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from atlas.analytics.services import rollup_and_prune
        from atlas.runtime.hooks import register_periodic_job

        register_periodic_job(600.0, rollup_and_prune)
