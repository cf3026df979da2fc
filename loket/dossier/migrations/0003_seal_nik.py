"""The applicant's NIK snapshot sealed at rest like the person's (loket/core/crypto.py)."""

from django.db import migrations

import loket.core.fields


def seal_existing(apps, schema_editor):
    Application = apps.get_model("dossier", "Application")
    for application in Application.objects.all().iterator():
        application.save(update_fields=["applicant_nik"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossier", "0002_document_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="applicant_nik",
            field=loket.core.fields.SealedCharField(
                context="dossier.application.applicant_nik", max_length=120, verbose_name="NIK"
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
