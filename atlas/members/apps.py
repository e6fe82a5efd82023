from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "atlas.members"
    verbose_name = "Members"

    def ready(self) -> None:
        from atlas.members.access import can_read
        from atlas.publishing import access

        access.set_policy(can_read)
