from django.db import migrations

# The worker's periodic jobs for notifications; `migrate` creates them, so a fresh
# `make run` has them without any manual step. get_or_create: editing a schedule in the
# admin (e.g. its interval) survives later migrations.
SCHEDULES = [
    ("notify-retry-messages", "loket.notify.tasks.messages_retry", 1),
    ("notify-visit-reminders", "loket.notify.tasks.visit_reminders_send", 15),
]


def add_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        Schedule.objects.get_or_create(
            name=name, defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1}
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=[name for name, _f, _m in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_outbox_retries_and_preferences"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
