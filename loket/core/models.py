from django.db import models


class FormSubmission(models.Model):
    """A state-changing web form that was carried out, by its one-time key (see idempotency.py).

    The account is a plain id, not a foreign key: core sits below accounts.
    """

    account_id = models.BigIntegerField()
    key = models.CharField(max_length=64)
    result_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account_id", "key"], name="core_form_submission_once")]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


class WorkerHeartbeat(models.Model):
    """When a worker last ran its heartbeat job (every minute): /readyz reads its age."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
