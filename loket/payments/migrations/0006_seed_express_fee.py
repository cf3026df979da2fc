import datetime as dt

from django.db import migrations

# The express service's PNBP (layanan percepatan, PP 28/2019): Rp1.000.000 on top of the
# passport fee. 2020-01-01 as for the passport fees; staff add later rates in the admin.
SINCE = dt.date(2020, 1, 1)


def seed(apps, schema_editor):
    apps.get_model("payments", "FeeRate").objects.get_or_create(
        item="express",
        passport_type="",
        effective_from=SINCE,
        defaults={"amount": 1_000_000, "legal_basis": "PP 28/2019"},
    )


def unseed(apps, schema_editor):
    apps.get_model("payments", "FeeRate").objects.filter(item="express", effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_fee_items_and_express")]

    operations = [migrations.RunPython(seed, unseed)]
