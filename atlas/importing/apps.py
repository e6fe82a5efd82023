from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "atlas.importing"
    verbose_name = "Importing"

    def ready(self) -> None:
        from atlas.publishing.hooks import register_role_permissions

        # Editors move publications in from the newsroom (its import page checks this).
        register_role_permissions(
            "Editor", ["importing.add_contentimport", "importing.view_contentimport"]
        )
