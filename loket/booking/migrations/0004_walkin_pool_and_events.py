"""The walk-in pool (WalkinDay) moves here from loket/walkin: seat capacity in all its forms
is the quota engine's. Its table keeps its name. A booking now says itself whether its seat
is a pool seat (`pool_day`), and booking events get their outbox table."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_alter_booking_status"),
        ("offices", "0002_notice_outage_walkin_share"),
        ("walkin", "0002_close_day_schedule"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WalkinDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(verbose_name="tanggal")),
                        ("percent", models.PositiveSmallIntegerField(verbose_name="bagian walk-in (%)")),
                        ("capacity", models.PositiveIntegerField(verbose_name="kapasitas walk-in")),
                        ("used", models.IntegerField(default=0, verbose_name="terpakai")),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="walkin_days",
                                to="offices.office",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "kuota walk-in harian",
                        "verbose_name_plural": "kuota walk-in harian",
                        "db_table": "walkin_walkinday",
                        "constraints": [
                            models.UniqueConstraint(fields=("office", "date"), name="walkin_day_unique"),
                            models.CheckConstraint(condition=models.Q(("used__gte", 0)), name="walkin_day_used_not_negative"),
                            models.CheckConstraint(
                                condition=models.Q(("used__lte", models.F("capacity"))), name="walkin_day_never_overused"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="booking",
            name="pool_day",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pool_bookings",
                to="booking.walkinday",
            ),
        ),
        migrations.CreateModel(
            name="BookingEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("booked", "Dipesan"),
                            ("cancelled", "Dibatalkan"),
                            ("rescheduled", "Jadwal diubah"),
                            ("expired", "Kedaluwarsa"),
                            ("confirmed", "Terkonfirmasi"),
                            ("paid_needs_rebooking", "Sudah dibayar, perlu jadwal ulang"),
                        ],
                        max_length=24,
                    ),
                ),
                ("data", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("processed_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("retry_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=200)),
                (
                    "booking",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="events", to="booking.booking"
                    ),
                ),
            ],
            options={
                "verbose_name": "peristiwa pemesanan",
                "verbose_name_plural": "peristiwa pemesanan",
                "indexes": [
                    models.Index(
                        condition=models.Q(("processed_at__isnull", True)), fields=["id"], name="booking_event_pending"
                    )
                ],
            },
        ),
    ]
