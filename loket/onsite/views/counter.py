"""A counter (loket): call the next ticket, recall, start, no-show, transfer, park, resume, finish."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import StaffRoleKind, User
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import officer_view, roles_at
from loket.onsite.live import live_fingerprint
from loket.onsite.models import Counter, Stage, Ticket, TicketStatus
from loket.onsite.queue import waiting_with_estimates
from loket.onsite.services import calls
from loket.onsite.views.desk import client_ip, error_status, id_param, staff_user
from loket.onsite.views.live import live_response

COUNTER_ROLES = (StaffRoleKind.COUNTER, StaffRoleKind.SUPERVISOR)

# The moves that need nothing but the counter; resume and configure read a form.
SIMPLE: dict[str, Callable[..., Ticket]] = {
    "recall": calls.ticket_recall,
    "start": calls.ticket_start,
    "no_show": calls.ticket_no_show,
    "transfer": calls.ticket_transfer,
    "park": calls.ticket_park,
    "finish": calls.ticket_finish,
}


def _done_message(action: str, ticket: Ticket) -> str:
    texts = {
        "recall": _("%(t)s dipanggil ulang."),
        "start": _("Melayani %(t)s."),
        "no_show": _("%(t)s ditandai tidak hadir."),
        "transfer": _("%(t)s dipindahkan ke %(stage)s."),
        "park": _("%(t)s ditunda."),
        "finish": _("%(t)s selesai."),
        "resume": _("Melanjutkan %(t)s."),
    }
    if action == "transfer" and ticket.to_counter is not None:
        return _("%(t)s dipindahkan ke loket %(n)s (%(stage)s).") % {
            "t": ticket.display,
            "n": ticket.to_counter.number,
            "stage": ticket.get_stage_display(),
        }
    return texts[action] % {"t": ticket.display, "stage": ticket.get_stage_display()}


@officer_view(*COUNTER_ROLES, action="counter.open")
def counters(request: HttpRequest, office: Office) -> HttpResponse:
    return render(
        request, "onsite/counters.html", {"office": office, "counters": Counter.objects.filter(office=office)}
    )


def counter_context(request: HttpRequest, office: Office, counter: Counter) -> dict[str, object]:
    """What the counter page shows; the live part (live/counter_live.html) is redrawn from it on each change."""
    user = staff_user(request)
    current = calls.current_ticket(counter)
    policy = calls.policy_of(counter)
    rule = calls.no_show_rule(current, policy) if current else None
    now = timezone.now()
    return {
        "office": office,
        "counter": counter,
        "current": current,
        "application": getattr(current.booking, "application", None) if current and current.booking else None,
        # A walk-in pays by billing code during the day: the counter sees whether it is settled.
        "payment": getattr(current.booking, "payment", None) if current and current.booking else None,
        "no_show_after": policy.no_show_after_calls,
        "no_show_minutes": policy.no_show_after_minutes,
        "no_show_rule": rule,
        "no_show_allowed": bool(rule and current and current.status == TicketStatus.CALLED and rule.allowed(now)),
        "no_show_from": calls.local_time(office, rule.allowed_from) if rule else "",
        # Seconds until the button may be pressed: live.js enables it then, without a poll.
        "no_show_wait": max(int((rule.allowed_from - now).total_seconds()) + 1, 0) if rule and rule.allowed_from else 0,
        "waiting": waiting_with_estimates(office, list(counter.stages)),
        "parked": Ticket.objects.filter(counter=counter, status=TicketStatus.PARKED).order_by("queued_at"),
        "is_supervisor": StaffRoleKind.SUPERVISOR in roles_at(user, office),
        "stages": Stage.choices,
        # Where a ticket can be sent by name: the office's other open counters.
        "transfer_counters": [
            c for c in Counter.objects.filter(office=office, active=True).exclude(pk=counter.pk) if c.stages
        ],
        "live_etag": live_fingerprint(office, counter.number),
    }


def _page(request: HttpRequest, office: Office, counter: Counter, *, status: int = 200) -> HttpResponse:
    return render(request, "onsite/counter.html", counter_context(request, office, counter), status=status)


@officer_view(*COUNTER_ROLES, action="counter.open")
def counter(request: HttpRequest, office: Office, number: int) -> HttpResponse:
    place = get_object_or_404(Counter, office=office, number=number)
    return _page(request, office, place)


def _transfer_target(form: dict[str, str]) -> tuple[str, int | None]:
    """The transfer form's choice: "stage:<stage>" or "counter:<number>" (or the older stage field alone)."""
    choice = form.get("to") or f"stage:{form.get('stage', '')}"
    kind, _sep, value = choice.partition(":")
    if kind == "stage" and value:
        return value, None
    number = id_param(value) if kind == "counter" else None
    if number is None:
        raise DomainError("invalid", _("Pilih tahap atau loket tujuan."), field="to", status=400)
    return "", number


def _act(user: User, counter: Counter, action: str, form: dict[str, str], ip: str | None) -> str:
    if action == "call_next":
        ticket = calls.counter_call_next(counter=counter, by=user, ip=ip)
        return _("Memanggil %(t)s.") % {"t": ticket.display} if ticket else _("Tidak ada yang menunggu.")
    if action == "transfer" and (form.get("stage") or form.get("to")):
        to_stage, to_counter = _transfer_target(form)
        ticket = calls.ticket_transfer(counter=counter, by=user, ip=ip, to_stage=to_stage, to_counter=to_counter)
        return _done_message(action, ticket)
    if action in SIMPLE:
        return _done_message(action, SIMPLE[action](counter=counter, by=user, ip=ip))
    if action in ("break", "break_end"):
        calls.counter_set_break(counter=counter, on_break=action == "break", by=user, ip=ip)
        return _("Loket istirahat.") if action == "break" else _("Istirahat selesai; loket melayani lagi.")
    if action == "resume":
        ticket_id = id_param(form.get("ticket", ""))
        if ticket_id is None:
            raise DomainError("invalid", _("Pilih tiket yang ditunda."), field="ticket", status=400)
        return _done_message(action, calls.ticket_resume(counter=counter, ticket_id=ticket_id, by=user, ip=ip))
    if action == "configure":
        stages = [s for s in form.get("stages", "").split(",") if s]
        calls.counter_set_stages(counter=counter, stages=stages, active=form.get("active") == "on", by=user, ip=ip)
        return _("Pengaturan loket disimpan.")
    raise DomainError("invalid", _("Tindakan tidak dikenal."), field="action", status=404)


@officer_view(*COUNTER_ROLES, action="counter.open")
def counter_live(request: HttpRequest, office: Office, number: int) -> HttpResponse:
    """The counter page's live part (current ticket, buttons, parked, waiting), polled by live.js."""

    def part() -> HttpResponse:
        place = get_object_or_404(Counter, office=office, number=number)
        return render(request, "onsite/live/counter.html", counter_context(request, office, place))

    # The fingerprint first: a matching poll answers 304 without reading the counter (an ETag
    # for a counter that does not exist was never handed out: its first poll was a 404).
    return live_response(request, live_fingerprint(office, number), part)


@officer_view(*COUNTER_ROLES, action="counter.act")
def counter_action(request: HttpRequest, office: Office, number: int, action: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    place = get_object_or_404(Counter, office=office, number=number)
    form = {key: request.POST.get(key, "")[:40] for key in ("ticket", "active", "stage", "to")}
    form["stages"] = ",".join(request.POST.getlist("stages")[:5])
    try:
        messages.success(request, _act(staff_user(request), place, action, form, client_ip(request)))
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, office, place, status=error_status(error))
    return redirect("onsite:counter", office.code, number)
