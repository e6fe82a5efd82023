from django.apps import AppConfig

# Editors send posts as newsletters (from the newsroom's editor and the admin).
EDITOR_PERMISSIONS = ["delivery.view_send", "delivery.add_send", "delivery.change_send"]


class DeliveryConfig(AppConfig):
    name = "atlas.delivery"
    verbose_name = "Newsletter delivery"

    def ready(self) -> None:
        from anymail.signals import tracking
        from django.conf import settings

        from atlas.delivery.engine import recover
        from atlas.delivery.inbound import record_tracking_event
        from atlas.delivery.rendering import sender_header
        from atlas.delivery.services import cancel_scheduled_sends, start_scheduled_sends
        from atlas.delivery.transport import dkim_keys
        from atlas.lib.hooks import include
        from atlas.members.hooks import register_sender
        from atlas.publishing.hooks import register_role_permissions, register_slot
        from atlas.publishing.services import post_unscheduled, post_went_live
        from atlas.runtime.hooks import register_periodic_job, register_worker_warm_up

        register_slot("admin_post_tools", include("delivery/admin_post_tools.html"))
        register_role_permissions("Editor", EDITOR_PERMISSIONS)
        register_sender(sender_header)
        register_periodic_job(lambda: settings.ATLAS_RECOVER_SECONDS, recover)
        register_worker_warm_up(dkim_keys)  # parsing the keys took ~80 ms per batch under RQ
        post_went_live.connect(start_scheduled_sends, dispatch_uid="delivery-scheduled-sends")
        post_unscheduled.connect(cancel_scheduled_sends, dispatch_uid="delivery-unscheduled-sends")
        tracking.connect(record_tracking_event, dispatch_uid="delivery-anymail-tracking")
