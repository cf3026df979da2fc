"""NIK sealed at rest (AES-GCM, loket/core/crypto.py) and looked up by a keyed hash.

Existing rows are sealed and hashed here; the hash then becomes the unique, not-null column.
"""

from django.db import migrations, models

import loket.core.fields


def seal_existing(apps, schema_editor):
    Person = apps.get_model("accounts", "Person")
    for person in Person.objects.all().iterator():
        # from_db_value passes a clear legacy value through; pre_save hashes it, get_prep_value seals it.
        person.save(update_fields=["nik", "nik_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_person_phone_alter_person_account_staffrole"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="nik_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="nik",
            field=loket.core.fields.SealedCharField(
                context="accounts.person.nik", hash_field="nik_hash", max_length=120, verbose_name="NIK"
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="nik_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
