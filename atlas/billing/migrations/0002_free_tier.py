from django.db import migrations


def create_free_tier(apps, schema_editor):
    Tier = apps.get_model("billing", "Tier")
    Tier.objects.get_or_create(
        kind="free", defaults={"name": "Free", "slug": "free", "position": 0}
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create_free_tier, migrations.RunPython.noop)]
