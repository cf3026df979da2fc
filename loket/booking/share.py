"""The walk-in share: how a day's quota is split between the online site and walk-ins.

Rounding (documented in the README): the pool of a day is the share of the day's whole
quota, rounded DOWN to a whole seat (at most one seat below the exact share; 100 % gives
every seat to walk-ins, 0 % none). The pool's seats are then taken from the windows in
proportion to their size, by largest remainder: each window first gives the whole seats
of its share (rounded down), and the seats still missing come one each from the windows
with the largest fractions left over (the earlier window on a tie). So a quota of
5 + 1 seats at 20 % gives a pool of 1 seat, taken from the 5-seat window.
"""

from loket.offices.models import Office


def walkin_percent(office: Office) -> int:
    """The office's walk-in share now (0: every seat online), the one setting all days are cut by."""
    return int(office.walkin_share_percent)


def walkin_split(capacities: list[int], percent: int) -> list[int]:
    """How many seats of each window go to walk-ins; the sum is the day's pool."""
    percent = max(0, min(100, percent))
    pool = sum(capacities) * percent // 100
    reserved = [c * percent // 100 for c in capacities]
    # Largest fraction left over first; the earlier window wins a tie.
    order = sorted(range(len(capacities)), key=lambda i: (-(capacities[i] * percent % 100), i))
    missing = pool - sum(reserved)
    for i in order[:missing]:
        reserved[i] += 1
    return reserved
