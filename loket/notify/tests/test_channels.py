"""Each channel: email through Django's mail, SMS and WhatsApp through console or HTTP gateways."""

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core import mail

from loket.accounts.models import User
from loket.notify import tasks
from loket.notify.events import notify
from loket.notify.gateways import ConsoleGateway, HttpGateway
from loket.notify.models import Channel, Message, MessageStatus
from loket.notify.services import preference_update
from loket.notify.tests.conftest import Gateway, closed_port

T0 = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
READY = {"person": "Sari Lestari", "code": "AB12CD34", "office": "Kantor Imigrasi Palembang"}


def ready(user: User, capture: Any) -> None:
    with capture(execute=True):
        notify(event="passport_ready", user=user, key="application:7:ready", context=READY)


@pytest.fixture
def http_sms(settings: Any, gateway: Gateway) -> Gateway:
    settings.LOKET_SMS_BACKEND = "loket.notify.gateways.HttpGateway"
    settings.LOKET_SMS_GATEWAY_URL = gateway.url
    settings.LOKET_SMS_GATEWAY_TOKEN = "sms-token-rahasia"
    return gateway


def test_email_goes_through_the_mail_backend(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    ready(applicant, django_capture_on_commit_callbacks)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ani@example.id"], "Paspor Sari Lestari siap diambil")]
    assert "Kantor Imigrasi Palembang" in mail.outbox[0].body


@pytest.mark.parametrize(("channel", "sms", "whatsapp"), [(Channel.SMS, True, False), (Channel.WHATSAPP, False, True)])
def test_console_gateway_prints_the_text_with_the_number_masked(
    applicant: User, django_capture_on_commit_callbacks: Any, capsys: Any, channel: str, sms: bool, whatsapp: bool
) -> None:
    preference_update(user=applicant, email=False, sms=sms, whatsapp=whatsapp)
    ready(applicant, django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert (message.channel, message.status) == (channel, MessageStatus.SENT)
    printed = capsys.readouterr().out
    assert f"[{channel} to 0812****7801]" in printed
    assert "siap diambil di Kantor Imigrasi Palembang" in printed
    assert "1234567801" not in printed
    assert mail.outbox == []


def test_whatsapp_numbers_are_digits_without_plus(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    preference_update(user=applicant, email=True, sms=True, whatsapp=True)
    ready(applicant, django_capture_on_commit_callbacks)
    recipients = dict(Message.objects.values_list("channel", "recipient"))
    assert recipients == {"email": "ani@example.id", "sms": "+6281234567801", "whatsapp": "6281234567801"}


def test_console_gateway_writes_to_the_given_stream() -> None:
    stream = io.StringIO()
    ConsoleGateway(channel="sms", stream=stream).send(to="+6281234567801", subject="", text="Halo", idempotency_key="k")
    assert stream.getvalue() == "[sms to 0812****7801] Halo\n"


def test_http_gateway_posts_json_with_the_bearer_token(
    applicant: User, django_capture_on_commit_callbacks: Any, http_sms: Gateway
) -> None:
    preference_update(user=applicant, email=False, sms=True, whatsapp=False)
    ready(applicant, django_capture_on_commit_callbacks)
    assert Message.objects.get().status == MessageStatus.SENT
    [request] = http_sms.requests
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer sms-token-rahasia"
    assert request["json"]["to"] == "+6281234567801"
    assert request["json"]["text"].startswith("Halo Ani Lestari,\n\nPaspor untuk Sari Lestari")


def test_http_gateway_500_is_retried_later_and_then_succeeds(
    applicant: User, django_capture_on_commit_callbacks: Any, http_sms: Gateway
) -> None:
    preference_update(user=applicant, email=False, sms=True, whatsapp=False)
    http_sms.statuses = [500]
    with time_machine.travel(T0, tick=False) as traveller:
        ready(applicant, django_capture_on_commit_callbacks)
        message = Message.objects.get()
        assert (message.status, message.attempts) == (MessageStatus.RETRY, 1)
        assert message.last_error == "GatewayError: sms gateway answered HTTP 500"
        traveller.shift(dt.timedelta(seconds=60))
        assert tasks.messages_retry() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    first, second = http_sms.requests
    # Both attempts carry the same key: a gateway that honours it drops a duplicate.
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
    assert first["json"] == second["json"]


def test_whatsapp_http_gateway_gets_the_whatsapp_form(
    applicant: User, django_capture_on_commit_callbacks: Any, settings: Any, gateway: Gateway
) -> None:
    settings.LOKET_WHATSAPP_BACKEND = "loket.notify.gateways.HttpGateway"
    settings.LOKET_WHATSAPP_GATEWAY_URL = gateway.url
    settings.LOKET_WHATSAPP_GATEWAY_TOKEN = "wa-token"
    preference_update(user=applicant, email=False, sms=False, whatsapp=True)
    ready(applicant, django_capture_on_commit_callbacks)
    [request] = gateway.requests
    assert request["json"]["to"] == "6281234567801"
    assert request["headers"]["Authorization"] == "Bearer wa-token"


def test_unreachable_gateway_is_a_retryable_failure(settings: Any) -> None:
    settings.LOKET_SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port()}/send"
    with pytest.raises(Exception, match="sms gateway unreachable: ConnectError"):
        HttpGateway(channel="sms").send(to="+6281234567801", subject="", text="Halo", idempotency_key="k")


def test_hung_gateway_times_out(settings: Any, gateway: Gateway) -> None:
    settings.LOKET_SMS_GATEWAY_URL = gateway.url
    settings.LOKET_GATEWAY_TIMEOUT_SECONDS = 0.2
    gateway.delay = 1.0
    with pytest.raises(Exception, match="sms gateway unreachable: ReadTimeout"):
        HttpGateway(channel="sms").send(to="+6281234567801", subject="", text="Halo", idempotency_key="k")
