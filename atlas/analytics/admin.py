from django.contrib import admin

from atlas.analytics.models import AnalyticsSettings


@admin.register(AnalyticsSettings)
class AnalyticsSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "track_opens", "track_clicks"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return not AnalyticsSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
