from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "atlas.newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from atlas.newsroom.menu import register_menu
        from atlas.newsroom.restore import hold_sends, keep_nothing
        from atlas.newsroom.roles import EDITOR_PERMISSIONS
        from atlas.publishing.hooks import register_role_permissions
        from atlas.runtime.hooks import register_restore_step

        register_menu()
        register_role_permissions("Editor", EDITOR_PERMISSIONS)
        register_restore_step(keep_nothing, hold_sends)
