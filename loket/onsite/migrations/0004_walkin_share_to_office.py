"""The walk-in share moves from the queue policy to the office (one place, one default)."""

from django.db import migrations


def copy_share(apps, schema_editor):
    QueuePolicy = apps.get_model("onsite", "QueuePolicy")
    Office = apps.get_model("offices", "Office")
    for office_id, percent in QueuePolicy.objects.values_list("office_id", "walkin_share_percent"):
        Office.objects.filter(pk=office_id).update(walkin_share_percent=percent)


def copy_back(apps, schema_editor):
    QueuePolicy = apps.get_model("onsite", "QueuePolicy")
    Office = apps.get_model("offices", "Office")
    for policy in QueuePolicy.objects.all():
        policy.walkin_share_percent = Office.objects.get(pk=policy.office_id).walkin_share_percent
        policy.save(update_fields=["walkin_share_percent"])


class Migration(migrations.Migration):
    dependencies = [
        ("onsite", "0003_board_fingerprint_index"),
        ("offices", "0002_notice_outage_walkin_share"),
    ]

    operations = [
        migrations.RunPython(copy_share, copy_back),
        migrations.RemoveConstraint(model_name="queuepolicy", name="policy_walkin_share_percent"),
        migrations.RemoveField(model_name="queuepolicy", name="walkin_share_percent"),
    ]
