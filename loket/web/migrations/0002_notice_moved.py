"""ServiceNotice moved to loket/offices (state only: the table keeps its name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_initial"),
        ("offices", "0002_notice_outage_walkin_share"),
        ("walkin", "0003_pool_and_outage_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ServiceNotice")]),
    ]
