"""The demo phone (demo mode only): type a text, it goes to the real inbound endpoint, signed, and
the page shows what Loket answered on that channel (read from the outbox)."""

import datetime as dt

import httpx
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.notify.gateways import address_for
from loket.notify.models import Message
from loket.textchannel.demo import text_send
from loket.textchannel.forms import PhoneForm

SHOWN = 30
SESSION_KEY = "demo_phone"


@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest) -> HttpResponse:
    # Checked per request like the payment simulator: switching demo mode off takes effect at once.
    if not settings.LOKET_PAYMENT_SIMULATOR:
        raise Http404
    state = request.session.get(SESSION_KEY, {"number": "", "channel": "sms", "sent": []})
    form = PhoneForm(request.POST or None, initial={"number": state["number"], "channel": state["channel"]})
    if request.method == "POST" and form.is_valid():
        number, channel, text = (form.cleaned_data[k] for k in ("number", "channel", "text"))
        if (number, channel) != (state["number"], state["channel"]):
            state = {"number": number, "channel": channel, "sent": []}
        sent_at = timezone.now()  # before the reply exists, so the thread shows them in order
        try:
            response = text_send(channel=channel, sender=number, text=text)
        except httpx.HTTPError:
            form.add_error(None, _("Loket tidak dapat dihubungi di %(url)s.") % {"url": settings.LOKET_BASE_URL})
        else:
            if response.status_code == 200:
                state["sent"] = [*state["sent"], {"text": text, "at": sent_at.isoformat()}][-SHOWN:]
                request.session[SESSION_KEY] = state
                return redirect("textchannel:phone")
            form.add_error(None, _("Loket menolak pesan ini (HTTP %(status)s).") % {"status": response.status_code})
    return render(request, "textchannel/phone.html", {"form": form, "timeline": _timeline(state)})


def _timeline(state: dict[str, object]) -> list[dict[str, object]]:
    """What was sent from this page and everything Loket sent to the number on that channel, by time."""
    number, channel = str(state.get("number") or ""), str(state.get("channel") or "sms")
    if not number:
        return []
    received = Message.objects.filter(channel=channel, recipient=address_for(channel=channel, phone=number))
    items: list[dict[str, object]] = [
        {"mine": False, "text": m.body, "at": m.created_at} for m in received.order_by("-created_at")[:SHOWN]
    ]
    sent = state.get("sent") or []
    assert isinstance(sent, list)
    items += [{"mine": True, "text": s["text"], "at": dt.datetime.fromisoformat(s["at"])} for s in sent]
    # Newest first: the stylesheet stacks them bottom-up (column-reverse), so the thread opens
    # scrolled to the latest message without any script.
    return sorted(items, key=lambda item: item["at"], reverse=True)[:SHOWN]  # type: ignore[arg-type,return-value]
