from django.db import migrations


def create_defaults(apps, schema_editor):
    Newsletter = apps.get_model("members", "Newsletter")
    if not Newsletter.objects.exists():
        Newsletter.objects.create(name="Newsletter", slug="newsletter", is_default=True)
    apps.get_model("members", "MembershipSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
