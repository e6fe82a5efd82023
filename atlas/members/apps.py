from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "atlas.members"
    verbose_name = "Members"

    def ready(self) -> None:
        from atlas.analytics.hooks import register_member_growth
        from atlas.lib.hooks import include
        from atlas.members import hooks, signals  # noqa: F401  (extension points; names)
        from atlas.members.growth import growth_on
        from atlas.members.outbox import CATCH_UP_SECONDS, send_queued
        from atlas.members.policy import can_read
        from atlas.members.restore import after_restore, keep_consents
        from atlas.publishing.hooks import register_read_policy, register_slot
        from atlas.runtime.hooks import register_periodic_job, register_restore_step

        register_read_policy(can_read)
        register_slot("paywall", include("members/paywall.html"))
        register_slot("subscribe_box", include("members/subscribe_box.html"), same_for="visitor")
        register_periodic_job(CATCH_UP_SECONDS, send_queued)
        register_member_growth(growth_on)
        register_restore_step(keep_consents, after_restore)
