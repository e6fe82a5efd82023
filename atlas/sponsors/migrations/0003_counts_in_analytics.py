from django.db import migrations
from django.db.models import Count, Sum


def move_counts(apps, schema_editor):
    """Each campaign's daily counts, and today's clicks, into the analytics counters."""
    CampaignDay = apps.get_model("sponsors", "CampaignDay")
    ClickVisitor = apps.get_model("sponsors", "ClickVisitor")
    EventCounter = apps.get_model("analytics", "EventCounter")
    totals = {}

    def add(key, count, visitors=0):
        before = totals.get(key, (0, 0))
        totals[key] = (before[0] + count, before[1] + visitors)

    for row in CampaignDay.objects.all():
        if row.impressions:
            add(("sponsor.impression", row.campaign_id, row.day, row.channel), row.impressions)
        if row.clicks or row.unique_clicks:
            add(("sponsor.click", row.campaign_id, row.day, row.channel), row.clicks, row.unique_clicks)
    live = (
        ClickVisitor.objects.values_list("campaign_id", "day", "channel")
        .annotate(Sum("clicks"), Count("visitor", distinct=True))
        .order_by()
    )
    for campaign_id, day, channel, clicks, visitors in live:
        add(("sponsor.click", campaign_id, day, channel), clicks, visitors)
    EventCounter.objects.bulk_create(
        EventCounter(kind=kind, subject=subject, day=day, channel=channel, count=count, visitors=visitors)
        for (kind, subject, day, channel), (count, visitors) in totals.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_events"),
        ("sponsors", "0002_settings_row"),
    ]

    operations = [
        migrations.RunPython(move_counts, migrations.RunPython.noop),
        migrations.DeleteModel(name="CampaignDay"),
        migrations.DeleteModel(name="ClickVisitor"),
        migrations.DeleteModel(name="DailySalt"),
    ]
