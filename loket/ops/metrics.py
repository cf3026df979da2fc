"""The metrics app servers count themselves (in-process; summed over the app server's workers at scrape).

With several workers, PROMETHEUS_MULTIPROC_DIR must be set in the environment before the
process starts (config/web.py empties it at start; /metrics drops dead workers' live gauges):
each worker then writes its counts there and /metrics sums them. Without it (tests, one
process) the counts live in this process's default registry.
"""

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "loket_http_request_duration_seconds",
    "Time to answer a request, by route pattern (never the raw path) and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "loket_http_requests",
    "Answered requests by route pattern, method and status code.",
    ["route", "method", "status"],
)
BOOKING_ATTEMPTS = Counter(
    "loket_booking_attempts",
    "Booking requests by channel (api, web) and outcome: booked, replayed (same Idempotency-Key) "
    "or the refusal's code (window_full, active_booking_exists, invalid, throttled, ...).",
    ["channel", "outcome"],
)
