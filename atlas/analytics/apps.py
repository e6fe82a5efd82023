from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "atlas.analytics"
    verbose_name = "Analytics"
