"""The public JSON API, v1: one router per domain."""

from ninja import NinjaAPI

from loket.api import (
    auth,
    bookings,
    channels,
    documents,
    errors,
    household,
    notifications,
    offices,
    payments,
    plan,
    releases,
)

api = NinjaAPI(
    title="Loket API",
    version="1",
    description="Jadwal kedatangan dan antrean paspor. Passport appointments and office queues.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/household", household.router)
api.add_router("/notifications", notifications.router)
api.add_router("/offices", offices.router)
api.add_router("/offices", plan.router)  # the capacity planner: /offices/{code}/plan (staff only)
api.add_router("/offices", releases.offices_router)  # the waiting rooms of releases
api.add_router("/offices", releases.public_router)
api.add_router("/waiting", releases.waiting_router)
api.add_router("/bookings", bookings.router)
api.add_router("/payments", payments.router)
api.add_router("/channels", channels.router)
# A second router on the same prefix: /bookings/{code}/application and /bookings/{code}/documents...
api.add_router("/bookings", documents.router)
