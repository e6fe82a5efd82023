from django.db import migrations


def create_settings(apps, schema_editor):
    from atlas.sponsors.models import render_body

    SponsorSettings = apps.get_model("sponsors", "SponsorSettings")
    row, created = SponsorSettings.objects.get_or_create(pk=1)
    if created:
        row.house_body_html = render_body(row.house_body)
        row.save(update_fields=["house_body_html"])


class Migration(migrations.Migration):
    dependencies = [("sponsors", "0001_initial")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
