from django.contrib import admin

from atlas.search.models import NewsletterFooter


@admin.register(NewsletterFooter)
class NewsletterFooterAdmin(admin.ModelAdmin):
    list_display = ["newsletter", "related_stories"]
    list_editable = ["related_stories"]
