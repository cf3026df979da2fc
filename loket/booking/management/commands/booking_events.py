"""The worker loop that reacts to booking events (see loket/booking/events.py).

    manage.py booking_events            # runs until SIGTERM / Ctrl-C
    manage.py booking_events --once     # processes what is pending and exits

Several may run at once (one per machine): each takes its events with FOR UPDATE SKIP LOCKED,
passing over those another one holds.
"""

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from loket.booking.events import BATCH, events_process


class Command(BaseCommand):
    help = "React to booking events: open applications and bills, send messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="process what is pending, then exit")
        parser.add_argument("--poll", type=float, default=0.2, help="seconds between looks when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(f"{events_process()} event(s) processed")
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True  # finish the event at hand, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()
            try:
                # One batch (one transaction) a turn: a stop request waits at most for it (a busy
                # machine runs this worker at a lower priority, where 200 events could take a while).
                done = events_process(limit=BATCH)
            except Exception:  # the database went away: wait and try again, never die
                done = 0
                time.sleep(1)
            if not done:
                time.sleep(options["poll"])
