import datetime as dt

from django.db import migrations

# The passport fees from the field (PP 28/2019): Rp350.000 regular, Rp650.000 electronic.
# 2020-01-01 is a day on which both were certainly in force; staff add later rates in the admin.
SEED = [("regular", 350_000), ("electronic", 650_000)]
SINCE = dt.date(2020, 1, 1)


def seed(apps, schema_editor):
    FeeRate = apps.get_model("payments", "FeeRate")
    for passport_type, amount in SEED:
        FeeRate.objects.get_or_create(
            passport_type=passport_type,
            effective_from=SINCE,
            defaults={"amount": amount, "legal_basis": "PP 28/2019"},
        )


def unseed(apps, schema_editor):
    apps.get_model("payments", "FeeRate").objects.filter(effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
