from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "atlas.discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from atlas.discussions import signals  # noqa: F401
