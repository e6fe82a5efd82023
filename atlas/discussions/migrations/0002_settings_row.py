from django.db import migrations


def create_settings(apps, schema_editor):
    DiscussionSettings = apps.get_model("discussions", "DiscussionSettings")
    DiscussionSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
