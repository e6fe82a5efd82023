from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "atlas.newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from atlas.newsroom.menu import register_menu
        from atlas.newsroom.roles import EDITOR_PERMISSIONS
        from atlas.publishing.hooks import register_role_permissions

        register_menu()
        register_role_permissions("Editor", EDITOR_PERMISSIONS)
