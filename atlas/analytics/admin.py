from django.contrib import admin

from atlas.analytics.models import AnalyticsSettings
from atlas.lib.singleton import SingletonAdmin


@admin.register(AnalyticsSettings)
class AnalyticsSettingsAdmin(SingletonAdmin):
    pass
