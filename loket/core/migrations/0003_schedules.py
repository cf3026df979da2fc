from django.db import migrations

SCHEDULES = [
    # name, function, minutes between runs
    ("worker-heartbeat", "loket.core.health.worker_heartbeat", 1),
    ("prune-form-submissions", "loket.core.idempotency.form_submissions_prune", 24 * 60),
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
        ("core", "0002_worker_heartbeat"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
