from django.db import migrations

# Every 30 minutes: reconcile open and recently expired bills with the provider (a lost
# webhook must not leave a paid booking unconfirmed). get_or_create: an interval edited
# in the admin survives later migrations.
NAME = "payment-reconcile"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "loket.payments.tasks.payments_reconcile_recent",
            "schedule_type": "I",
            "minutes": 30,
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_deadline_schedule")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
