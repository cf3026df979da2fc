"""Service notices (from loket/web) and outage mode (from loket/walkin) move here, below the
quota engine that reads them; their tables keep their names, so only Django's state moves.
The walk-in share becomes a field of the office (it was a queue-policy field)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("web", "0001_initial"),
        ("walkin", "0002_close_day_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="office",
            name="walkin_share_percent",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="bagian kuota untuk walk-in (%)"),
        ),
        migrations.AddConstraint(
            model_name="office",
            constraint=models.CheckConstraint(
                condition=models.Q(("walkin_share_percent__lte", 100)), name="office_walkin_share_percent"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ServiceNotice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("text_id", models.TextField(max_length=500, verbose_name="teks (Bahasa Indonesia)")),
                        ("text_en", models.TextField(blank=True, max_length=500, verbose_name="teks (English)")),
                        ("starts_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="mulai tampil")),
                        ("ends_at", models.DateTimeField(verbose_name="berakhir")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "office",
                            models.ForeignKey(
                                blank=True,
                                help_text="Kosongkan untuk pengumuman nasional.",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notices",
                                to="offices.office",
                                verbose_name="kantor",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "pengumuman layanan",
                        "verbose_name_plural": "pengumuman layanan",
                        "ordering": ["-starts_at", "pk"],
                        "db_table": "web_servicenotice",
                        "indexes": [models.Index(fields=["ends_at"], name="notice_ends_at")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                                name="notice_ends_after_start",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Outage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("scope", models.CharField(max_length=8)),
                        ("reason", models.CharField(max_length=200, verbose_name="alasan")),
                        ("started_at", models.DateTimeField(verbose_name="mulai")),
                        ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="berakhir")),
                        (
                            "ended_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "notice",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="offices.servicenotice",
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="outages",
                                to="offices.office",
                                verbose_name="kantor",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "mode gangguan",
                        "verbose_name_plural": "mode gangguan",
                        "ordering": ["-started_at", "-pk"],
                        "db_table": "walkin_outage",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("ended_at__isnull", True)), fields=("scope",), name="outage_one_open"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("office__isnull", True), ("scope", "*")),
                                    models.Q(models.Q(("scope", "*"), _negated=True), ("office__isnull", False)),
                                    _connector="OR",
                                ),
                                name="outage_scope_matches_office",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
