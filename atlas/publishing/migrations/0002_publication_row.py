from django.db import migrations


def create_publication(apps, schema_editor):
    Publication = apps.get_model("publishing", "Publication")
    Publication.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = [migrations.RunPython(create_publication, migrations.RunPython.noop)]
