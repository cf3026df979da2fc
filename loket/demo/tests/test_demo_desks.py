"""seed_demo gives every office a queue policy and five counters, once."""

from loket.demo.desks import seed_queue_desks
from loket.offices.models import Office
from loket.onsite.models import Counter, QueuePolicy, Stage


def test_seeding_twice_keeps_one_set_and_leaves_edits_alone(office_a: Office, office_b: Office) -> None:
    seed_queue_desks()
    Counter.objects.filter(office=office_a, number=5).update(stages=[Stage.VERIFICATION])
    seed_queue_desks()
    assert QueuePolicy.objects.count() == 2
    assert Counter.objects.filter(office=office_a).count() == Counter.objects.filter(office=office_b).count() == 5
    assert Counter.objects.get(office=office_a, number=5).stages == [Stage.VERIFICATION]
    assert Counter.objects.get(office=office_b, number=3).stages == [Stage.PHOTO_INTERVIEW]
