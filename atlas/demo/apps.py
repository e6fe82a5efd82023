from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "atlas.demo"
    verbose_name = "Demo publication"
