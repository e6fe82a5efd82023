from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "atlas.sponsors"
    verbose_name = "Sponsors"
