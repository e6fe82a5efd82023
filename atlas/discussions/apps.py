from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "atlas.discussions"
    verbose_name = "Discussions"
