"""The simulated provider's status API, as reconciliation (loket/payments/provider.py) asks it."""

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from loket.payments.simulator.models import SimulatedBill


@require_GET
def bill_status(request: HttpRequest, billing_code: str) -> JsonResponse:
    # Checked per request, not at URL loading: switching it off takes effect without a redeploy of urls.
    if not settings.LOKET_PAYMENT_SIMULATOR:
        raise Http404
    bill = SimulatedBill.objects.filter(billing_code=billing_code[:15]).first()
    if bill is None:
        return JsonResponse({"code": "not_found", "message": "unknown billing code"}, status=404)
    return JsonResponse(bill.as_report())
