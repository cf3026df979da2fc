"""WalkinDay moved to loket/booking and Outage to loket/offices (state only: same tables).
Where a walk-in's seat came from now lives on the booking (`Booking.pool_day`)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_from_pool(apps, schema_editor):
    WalkinBooking = apps.get_model("walkin", "WalkinBooking")
    Booking = apps.get_model("booking", "Booking")
    for row in WalkinBooking.objects.filter(from_pool=True).values("booking_id", "walkin_day_id"):
        Booking.objects.filter(pk=row["booking_id"]).update(pool_day_id=row["walkin_day_id"])


def copy_back(apps, schema_editor):
    WalkinBooking = apps.get_model("walkin", "WalkinBooking")
    Booking = apps.get_model("booking", "Booking")
    pooled = set(Booking.objects.filter(pool_day__isnull=False).values_list("pk", flat=True))
    for row in WalkinBooking.objects.all():
        row.from_pool = row.booking_id in pooled
        row.save(update_fields=["from_pool"])


class Migration(migrations.Migration):
    dependencies = [
        ("walkin", "0002_close_day_schedule"),
        ("booking", "0004_walkin_pool_and_events"),
        ("offices", "0002_notice_outage_walkin_share"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="walkinbooking",
                    name="walkin_day",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="bookings", to="booking.walkinday"
                    ),
                ),
                migrations.DeleteModel(name="Outage"),
                migrations.DeleteModel(name="WalkinDay"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(copy_from_pool, copy_back),
        migrations.RemoveField(model_name="walkinbooking", name="from_pool"),
    ]
