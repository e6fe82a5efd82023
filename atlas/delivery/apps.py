from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "atlas.delivery"
    verbose_name = "Newsletter delivery"

    def ready(self) -> None:
        from atlas.delivery.services import start_scheduled_sends
        from atlas.publishing.services import post_went_live

        post_went_live.connect(start_scheduled_sends, dispatch_uid="delivery-scheduled-sends")

        from anymail.signals import tracking

        from atlas.delivery.inbound import record_tracking_event

        tracking.connect(record_tracking_event, dispatch_uid="delivery-anymail-tracking")
