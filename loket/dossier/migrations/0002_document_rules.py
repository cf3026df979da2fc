"""The required documents as of this issue; staff change them in the admin afterwards."""

from django.db import migrations

NOT_LOST = ["expired", "pages_full", "damaged", "data_changed"]
ID_PROOF = "bukti_identitas"  # one of: birth certificate, diploma, marriage or baptism certificate

RULES = [
    # (kind, service, reasons, age_group, one_of)
    ("ktp", "", [], "adult", ""),
    ("parents_ktp", "", [], "minor", ""),
    ("kk", "new", [], "any", ""),
    ("kk", "replacement", [], "minor", ""),
    ("birth_certificate", "", [], "minor", ""),
    ("birth_certificate", "new", [], "adult", ID_PROOF),
    ("diploma", "new", [], "adult", ID_PROOF),
    ("marriage_certificate", "new", [], "adult", ID_PROOF),
    ("baptism_certificate", "new", [], "adult", ID_PROOF),
    ("old_passport", "replacement", NOT_LOST, "any", ""),
    ("police_report", "replacement", ["lost"], "any", ""),
]


def seed(apps, schema_editor):
    DocumentRule = apps.get_model("dossier", "DocumentRule")
    if DocumentRule.objects.exists():
        return
    for position, (kind, service, reasons, age_group, one_of) in enumerate(RULES, start=1):
        DocumentRule.objects.create(
            kind=kind, service=service, reasons=reasons, age_group=age_group, one_of=one_of, position=position * 10
        )


def unseed(apps, schema_editor):
    apps.get_model("dossier", "DocumentRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dossier", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
