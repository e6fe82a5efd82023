"""Newsletter opens and clicks move from analytics to delivery, with their rows: the two tables
are renamed in place (nothing is copied), and the two tracking settings join DeliverySettings."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def copy_tracking_settings(apps, schema_editor):
    AnalyticsSettings = apps.get_model("analytics", "AnalyticsSettings")
    DeliverySettings = apps.get_model("delivery", "DeliverySettings")
    old = AnalyticsSettings.objects.filter(pk=1).first()
    if old is not None:
        DeliverySettings.objects.update_or_create(
            pk=1, defaults={"track_opens": old.track_opens, "track_clicks": old.track_clicks}
        )


def copy_tracking_settings_back(apps, schema_editor):
    AnalyticsSettings = apps.get_model("analytics", "AnalyticsSettings")
    DeliverySettings = apps.get_model("delivery", "DeliverySettings")
    new = DeliverySettings.objects.filter(pk=1).first()
    if new is not None:
        AnalyticsSettings.objects.update_or_create(
            pk=1, defaults={"track_opens": new.track_opens, "track_clicks": new.track_clicks}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_countries"),
        ("delivery", "0002_preparation_lease"),
    ]

    operations = [
        # The models as they are, on analytics' tables: state only, nothing changes in the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrackedLink",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("index", models.IntegerField()),
                        ("url", models.URLField(max_length=2000)),
                        ("send", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="tracked_links", to="delivery.send")),
                    ],
                    options={
                        "db_table": "analytics_emaillink",
                        "constraints": [models.UniqueConstraint(fields=("send", "index"), name="one_email_link_per_index")],
                    },
                ),
                migrations.CreateModel(
                    name="EmailEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("open", "Open"), ("click", "Click")], max_length=8)),
                        ("machine", models.CharField(blank=True, choices=[("", "Reader"), ("proxy", "Privacy proxy (Apple Mail, Gmail image proxy)"), ("scanner", "Link scanner")], max_length=8)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("delivery", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="delivery.delivery")),
                        ("send", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="delivery.send")),
                        ("link", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="delivery.trackedlink")),
                    ],
                    options={
                        "db_table": "analytics_emailevent",
                        "indexes": [models.Index(fields=["send", "kind"], name="analytics_e_send_id_b8e5a0_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        # Then delivery's own names: the tables are renamed, their rows stay.
        migrations.AlterModelTable(name="trackedlink", table=None),
        migrations.AlterModelTable(name="emailevent", table=None),
        migrations.RenameIndex(
            model_name="emailevent",
            new_name="delivery_event_send_kind",
            old_name="analytics_e_send_id_b8e5a0_idx",
        ),
        migrations.AddField(
            model_name="deliverysettings",
            name="track_opens",
            field=models.BooleanField(default=False, help_text="Add an invisible image to newsletters to count opens."),
        ),
        migrations.AddField(
            model_name="deliverysettings",
            name="track_clicks",
            field=models.BooleanField(default=False, help_text="Send newsletter links through this site to count clicks."),
        ),
        migrations.RunPython(copy_tracking_settings, copy_tracking_settings_back),
    ]
