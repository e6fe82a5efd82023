from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "atlas.newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from atlas.newsroom.menu import register_menu

        register_menu()
