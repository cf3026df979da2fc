"""The simulation against queueing theory: Erlang C for M/M/c, Pollaczek–Khinchine for M/D/1.

Long runs with a fixed seed; the first customers (the empty office warming up) are left out.
"""

import math
import random
from collections.abc import Callable

from loket.planner.simulate import Staffing, Visitor, simulate_day

CUSTOMERS = 40_000
WARM_UP = 2_000


def poisson_arrivals(rate: float, service: Callable[[random.Random], float], seed: int) -> list[Visitor]:
    rng = random.Random(seed)
    t, people = 0.0, []
    for _n in range(CUSTOMERS):
        t += rng.expovariate(rate)
        people.append(Visitor(arrival=t, route=("s",), service=(service(rng),)))
    return people


def mean_wait(people: list[Visitor], counters: int) -> float:
    staffing = Staffing(first_hour=0, counters={"s": (counters,)})
    visits = simulate_day(people, staffing)[WARM_UP:]
    return sum(v.called[0] - v.queued[0] for v in visits) / len(visits)


def erlang_c_wait(rate: float, service_rate: float, c: int) -> float:
    a = rate / service_rate
    rho = a / c
    below = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (below + top) / (c * service_rate - rate)


def test_mmc_mean_wait_matches_erlang_c_within_5_percent() -> None:
    rate, service_rate, c = 2.1, 1.0, 3  # per minute; utilisation 0.7
    people = poisson_arrivals(rate, lambda rng: rng.expovariate(service_rate), seed=11)

    simulated, theory = mean_wait(people, c), erlang_c_wait(rate, service_rate, c)

    assert abs(simulated - theory) / theory < 0.05, (simulated, theory)


def test_md1_mean_wait_matches_pollaczek_khinchine_within_5_percent() -> None:
    rate, service = 0.7, 1.0  # one counter, every service exactly one minute
    people = poisson_arrivals(rate, lambda rng: service, seed=12)

    simulated = mean_wait(people, 1)
    rho = rate * service
    theory = rate * service**2 / (2 * (1 - rho))

    assert abs(simulated - theory) / theory < 0.05, (simulated, theory)


def test_priority_first_then_appointment_then_arrival() -> None:
    # One counter opening at 08:00; four people waiting before it opens.
    people = [
        Visitor(arrival=470, route=("s",), appointment=540, group="09:00", service=(5,)),
        Visitor(arrival=475, route=("s",), appointment=480, group="08:00", service=(5,)),
        Visitor(arrival=478, route=("s",), appointment=None, group="walkin", service=(5,)),  # counts from 07:58
        Visitor(arrival=479, route=("s",), priority=True, appointment=540, group="09:00", service=(5,)),
    ]
    visits = simulate_day(people, Staffing(first_hour=8, counters={"s": (1,)}))

    order = sorted(visits, key=lambda v: v.called[0])
    assert [v.visitor.arrival for v in order] == [479, 478, 475, 470]


def test_a_transferred_person_keeps_his_first_arrival_and_counters_follow_the_hours() -> None:
    people = [
        Visitor(arrival=480, route=("a", "b"), appointment=480, service=(10, 5)),
        Visitor(arrival=485, route=("b",), appointment=None, service=(5,)),
    ]
    # Stage b has no counter in the 08:00 hour and one from 09:00.
    visits = simulate_day(people, Staffing(first_hour=8, counters={"a": (1, 1), "b": (0, 1)}))

    first, second = visits
    assert first.called == [480, 540]  # transferred at 08:10, still ahead of the 08:05 arrival at b
    assert second.called == [545]
    assert [v.outcome for v in visits] == ["done", "done"]


def test_absent_people_cost_the_counter_recalls_and_no_shows_leave() -> None:
    people = [
        Visitor(arrival=480, route=("s",), appointment=480, service=(4,), absence=(1,)),
        Visitor(arrival=481, route=("s",), appointment=480, service=(4,), absence=(2,)),
        Visitor(arrival=482, route=("s",), appointment=480, service=(4,)),
    ]
    visits = simulate_day(people, Staffing(first_hour=8, counters={"s": (1,)}))

    assert visits[0].started == [481] and visits[0].ended == [485]  # one recall a minute later
    assert visits[1].outcome == "no_show" and visits[1].ended == [488]  # three calls
    assert visits[2].called == [488]


def test_people_left_at_closing_are_served_in_overtime() -> None:
    people = [Visitor(arrival=480 + n, route=("s",), service=(30,)) for n in range(3)]
    visits = simulate_day(people, Staffing(first_hour=8, counters={"s": (1,)}))  # open 08:00–09:00

    assert [v.called[0] for v in visits] == [480, 510, 540]
    assert all(v.outcome == "done" for v in visits)
