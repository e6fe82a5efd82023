from django.apps import AppConfig

# What an editor may do in billing: see tiers, subscriptions and the numbers; give and revoke
# complimentary or gift plans. Tiers and prices are the Administrator's (money).
EDITOR_PERMISSIONS = [
    "billing.view_tier",
    "billing.view_price",
    "billing.view_paidsubscription",
    "billing.view_grant",
    "billing.add_grant",
    "billing.change_grant",
    "billing.view_posttier",
    "billing.add_posttier",
    "billing.change_posttier",
    "billing.delete_posttier",
]


class BillingConfig(AppConfig):
    name = "atlas.billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from atlas.billing import checks, signals, slots  # noqa: F401  (checks and signals register)
        from atlas.billing.admin import PostTierInline
        from atlas.billing.entitlement import BillingEntitlement, recheck_due
        from atlas.billing.services import push_pending_tiers
        from atlas.billing.webhooks import prune_events, retry_pending
        from atlas.members.hooks import register_entitlement, register_slot
        from atlas.publishing.hooks import (
            EditorPanel,
            register_editor_panel,
            register_post_admin_inline,
            register_role_permissions,
        )
        from atlas.runtime.hooks import register_periodic_job

        register_entitlement(BillingEntitlement())
        register_slot("paywall_offer", slots.paywall_offer)
        register_slot("subscribe_offer", slots.subscribe_offer)
        register_slot("account", slots.account)
        register_post_admin_inline(PostTierInline)
        register_editor_panel(
            EditorPanel(
                label="Paid tiers",
                template="billing/editor_panel.html",
                save=slots.save_post_tiers,
                permission="billing.change_posttier",
            )
        )
        register_role_permissions("Editor", EDITOR_PERMISSIONS)
        register_periodic_job(60.0, recheck_due)
        register_periodic_job(60.0, retry_pending)
        register_periodic_job(300.0, push_pending_tiers)
        register_periodic_job(24 * 3600.0, prune_events)
