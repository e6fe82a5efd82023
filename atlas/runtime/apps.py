from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "atlas.runtime"
    verbose_name = "Runtime"
