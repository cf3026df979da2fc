"""The worker loop of the waiting rooms (see loket/release/room.py).

    manage.py release_rooms            # runs until SIGTERM / Ctrl-C
    manage.py release_rooms --once     # opens due rooms, shuffles, admits once, and exits

Several may run at once (one per machine): a room is handled under its row lock (SKIP LOCKED)
and every change is a conditional UPDATE.
"""

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from loket.release.room import rooms_open_due, rooms_tick

OPEN_EVERY_SECONDS = 15.0


class Command(BaseCommand):
    help = "Run the waiting rooms of releases: open them, shuffle at the release instant, admit with passes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between rounds")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            opened = rooms_open_due()
            self.stdout.write(f"{opened} room(s) opened, {rooms_tick()} admitted")
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_open = 0.0
        while not stopping:
            close_old_connections()
            try:
                if time.monotonic() - last_open >= OPEN_EVERY_SECONDS:
                    rooms_open_due()
                    last_open = time.monotonic()
                rooms_tick()
            except Exception:  # the database went away: wait and try again, never die
                time.sleep(1)
            time.sleep(options["poll"])
