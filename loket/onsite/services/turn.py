""" "Your turn is near": a person who opted in at check-in gets an SMS or WhatsApp when few people
are left ahead of him in his stage's queue, and when his number is called to a counter.

The messages go through the notify outbox (loket/notify: message_queue), inside the call's
transaction: a call rolled back sends nothing, and each message has its own event key, so
"near" is sent once per stage and "called" once per stage, whatever is retried.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from loket.booking.models import Booking
from loket.notify.gateways import address_for
from loket.notify.models import Channel
from loket.notify.services import message_queue
from loket.offices.models import Office
from loket.onsite.models import Counter, Ticket
from loket.onsite.policy import queue_policy_for
from loket.onsite.queue import waiting_tickets

TURN_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


def turn_phone(booking: Booking) -> str:
    """The number to tell: the person's own (registered at the office) or the booking account's."""
    return booking.person.phone or booking.booked_by.phone


def turn_language(booking: Booking) -> str:
    return booking.booked_by.language or "id"


def turn_optin_fields(*, booking: Booking, channel: str) -> dict[str, str]:
    """The ticket fields for an opt-in on `channel` ("" or an unknown channel: none; no phone: none)."""
    phone = turn_phone(booking)
    if channel not in TURN_CHANNELS or not phone:
        return {}
    return {
        "notify_channel": channel,
        "notify_to": address_for(channel=channel, phone=phone)[:20],
        "notify_language": turn_language(booking),
    }


def _send(ticket: Ticket, key: str, subject: str, body: str) -> None:
    message_queue(
        recipient=ticket.notify_to,
        subject=subject,
        body=body + "\n\nLoket",
        channel=ticket.notify_channel,
        event_key=f"ticket:{ticket.pk}:{key}",
    )


def turn_called(*, ticket: Ticket, counter: Counter) -> None:
    """Tell an opted-in person that his number is called to this counter (once per stage)."""
    if not ticket.notify_channel:
        return
    with translation.override(ticket.notify_language or "id"):
        text = _("Nomor antrean %(ticket)s dipanggil ke loket %(counter)s di %(office)s.") % {
            "ticket": ticket.display,
            "counter": counter.number,
            "office": counter.office.name,
        }
        _send(ticket, f"called:{ticket.stage}", _("Giliran Anda: loket %(n)s") % {"n": counter.number}, text)


def turn_near(*, office: Office, stage: str) -> int:
    """Tell the opted-in people with at most the policy's number of people ahead (once per stage).

    One query: the first N+1 waiting tickets of the stage, in calling order. Returns how many
    messages were queued (a repeated one is dropped by its event key).
    """
    ahead_limit = queue_policy_for(office).turn_near_ahead
    sent = 0
    for ahead, ticket in enumerate(waiting_tickets(office, [stage])[: ahead_limit + 1]):
        if not ticket.notify_channel:
            continue
        with translation.override(ticket.notify_language or "id"):
            subject = _("Giliran %(ticket)s hampir tiba") % {"ticket": ticket.display}
            body = _(
                "Nomor antrean %(ticket)s di %(office)s: %(ahead)s orang lagi di depan Anda. "
                "Mohon bersiap di dekat layar antrean."
            ) % {"ticket": ticket.display, "office": office.name, "ahead": ahead}
        if message_queue(
            recipient=ticket.notify_to,
            subject=subject,
            body=body + "\n\nLoket",
            channel=ticket.notify_channel,
            event_key=f"ticket:{ticket.pk}:near:{ticket.stage}",
        ):
            sent += 1
    return sent
