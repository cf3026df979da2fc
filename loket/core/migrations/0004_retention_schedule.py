from django.db import migrations

NAME = "personal-data-retention"


def add_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name=NAME,
        defaults={"func": "loket.privacy.retention.retention_run", "schedule_type": "D", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_schedules")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
