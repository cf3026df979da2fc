import pytest
from django.db import transaction
from django_q.models import OrmQ

from loket.core.tasks import task_enqueue, tasks_held, tasks_write


class _Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queued_task_commits_with_the_data(database_queue: None) -> None:
    with transaction.atomic():
        task_enqueue("loket.booking.tasks.release_cancelled_seats")
        assert OrmQ.objects.count() == 1  # written in the transaction itself
    assert OrmQ.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queued_task_vanishes_with_a_rolled_back_transaction(database_queue: None) -> None:
    with pytest.raises(_Boom), transaction.atomic():
        task_enqueue("loket.booking.tasks.release_cancelled_seats")
        raise _Boom
    assert OrmQ.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_held_tasks_are_written_only_when_the_holder_writes_them(database_queue: None) -> None:
    with transaction.atomic():
        with tasks_held() as held:
            task_enqueue("loket.booking.tasks.release_cancelled_seats")
            task_enqueue("loket.notify.tasks.message_deliver", 7)
            assert OrmQ.objects.count() == 0  # held, not written
        task_enqueue("loket.booking.tasks.release_cancelled_seats")  # not held: written at once
        assert OrmQ.objects.count() == 1
        tasks_write(held)
    assert OrmQ.objects.count() == 3
    assert sorted(row.func() for row in OrmQ.objects.all()) == [
        "loket.booking.tasks.release_cancelled_seats",
        "loket.booking.tasks.release_cancelled_seats",
        "loket.notify.tasks.message_deliver",
    ]
