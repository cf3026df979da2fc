from django.db import migrations, models
from django.utils.crypto import salted_hmac


def fill_refs(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Entries made before the reference existed get theirs (as loket/release/refs.py derives it)."""
    Entry = apps.get_model("release", "Entry")
    for entry in Entry.objects.filter(ref="").only("id", "ticket").iterator():
        ref = salted_hmac("loket.release.entry-ref", entry.ticket, algorithm="sha256").hexdigest()[:16].upper()
        Entry.objects.filter(pk=entry.pk).update(ref=ref)


class Migration(migrations.Migration):
    dependencies = [
        ("release", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="ref",
            field=models.CharField(default="", editable=False, max_length=16, verbose_name="nomor undian"),
        ),
        migrations.RunPython(fill_refs, migrations.RunPython.noop),
    ]
