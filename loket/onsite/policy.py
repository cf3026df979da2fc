"""An office's queue policy: one reader, one set of defaults."""

from loket.offices.models import Office
from loket.onsite.models import QueuePolicy


def queue_policy_for(office: Office) -> QueuePolicy:
    """The office's policy; an office without a row gets the model's defaults, unsaved.

    Reads never write: opening a page must not create a row (a saved default would then
    outlive a later change of the defaults). The row is made by the admin or seed data.
    """
    return QueuePolicy.objects.filter(office=office).first() or QueuePolicy(office=office)
