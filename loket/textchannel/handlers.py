"""What the text channel does when a lower app announces something."""

import datetime as dt
from typing import Any

from django.dispatch import receiver

from loket.release.models import Entry
from loket.release.signals import entry_admitted
from loket.textchannel.release_commands import admitted_text


@receiver(entry_admitted, dispatch_uid="textchannel-entry-admitted")
def entry_admitted_text(sender: Any, *, entry: Entry, expires: dt.datetime, **kwargs: Any) -> None:
    admitted_text(entry=entry, expires=expires)
