from django.db import migrations

# Every minute: expire unpaid bookings past their deadline (seat freed at once) and send
# the reminders that are due. One job catches up with everything missed while no worker
# ran. get_or_create: an interval edited in the admin survives later migrations.
NAME = "payment-deadlines"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={"func": "loket.payments.tasks.payment_deadlines", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_seed_fee_rates"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
