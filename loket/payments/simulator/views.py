"""The simulated provider: its status API (as reconciliation asks it) and, for a person trying the
demo, a page of the "bank" that pays a bill through Loket's real signed webhook."""

import httpx
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.payments.models import PaymentStatus
from loket.payments.selectors import payment_by_code
from loket.payments.simulator.models import SimulatedBill
from loket.payments.simulator.services import bill_record, notification_send


def _simulator_on() -> None:
    # Checked per request, not at URL loading: switching it off takes effect without a redeploy of urls.
    if not settings.LOKET_PAYMENT_SIMULATOR:
        raise Http404


@require_GET
def bill_status(request: HttpRequest, billing_code: str) -> JsonResponse:
    _simulator_on()
    bill = SimulatedBill.objects.filter(billing_code=billing_code[:15]).first()
    if bill is None:
        return JsonResponse({"code": "not_found", "message": "unknown billing code"}, status=404)
    return JsonResponse(bill.as_report())


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, billing_code: str) -> HttpResponse:
    """The demo bank's page: shows the bill; "Bayar" records it paid and sends Loket the signed
    notification over HTTP, to the very address this page was reached at (whatever the port)."""
    _simulator_on()
    payment = payment_by_code(billing_code.replace(" ", "")[:15])
    if payment is None:
        raise Http404
    context: dict[str, object] = {"payment": payment, "proof": reverse("web:proof", args=[payment.booking.code])}
    if request.method == "POST" and payment.status != PaymentStatus.PAID:
        bill = bill_record(billing_code=payment.billing_code, amount=payment.amount, status="paid")
        try:
            answer = notification_send(bill=bill, base_url=request.build_absolute_uri("/"))
        except httpx.HTTPError:
            context["error"] = _("Loket tidak dapat dihubungi dari simulator. Coba lagi sebentar lagi.")
            return render(request, "simulator/pay.html", context, status=502)
        if answer.status_code != 200:
            context["error"] = _("Loket menolak notifikasi pembayaran (HTTP %(status)d).") % {
                "status": answer.status_code
            }
            return render(request, "simulator/pay.html", context, status=502)
        payment.refresh_from_db()
        context["payment"] = payment
    return render(request, "simulator/pay.html", context)
