"""Every answer carries a request id; JSON log lines carry it too, with personal data still masked."""

import json
import logging

import pytest
from django.test import Client

from loket.core.logging import JsonFormatter, MaskPiiFilter, RequestIdFilter
from loket.core.requestid import current_request_id


@pytest.mark.django_db
def test_a_request_id_from_the_proxy_is_answered_back(client: Client) -> None:
    response = client.get("/api/v1/offices", HTTP_X_REQUEST_ID="nginx-5f2c9a.01")
    assert response["X-Request-ID"] == "nginx-5f2c9a.01"


@pytest.mark.django_db
def test_without_one_or_with_a_malformed_one_a_fresh_id_is_made(client: Client) -> None:
    made = client.get("/api/v1/offices")["X-Request-ID"]
    assert len(made) == 32
    assert made != client.get("/api/v1/offices")["X-Request-ID"]
    smuggled = client.get("/api/v1/offices", HTTP_X_REQUEST_ID='x" injected="1')["X-Request-ID"]
    assert len(smuggled) == 32
    assert "injected" not in smuggled


def _json_line(record: logging.LogRecord) -> dict[str, object]:
    for log_filter in (RequestIdFilter(), MaskPiiFilter()):
        log_filter.filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_json_line_masks_the_nik_in_the_message_and_in_the_traceback() -> None:
    try:
        raise ValueError("NIK 1671014508900002 not found")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "loket", logging.ERROR, __file__, 1, "lookup %s", ("1671014508900002",), sys.exc_info()
        )
    record.request_id = "req-1"
    record.form_data = {"nik": "1671014508900002"}  # an extra that is not on the safe list
    line = _json_line(record)
    text = json.dumps(line)
    assert "1671014508900002" not in text
    assert line["request_id"] == "req-1"
    assert line["level"] == "ERROR"
    assert "ValueError" in str(line["exc_info"])
    assert "form_data" not in line


@pytest.mark.django_db
def test_the_request_log_line_carries_the_route_status_and_request_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="loket.request"):
        client.get("/api/v1/bookings/QX7K2M9P", HTTP_X_REQUEST_ID="abc-123")
    [record] = [r for r in caplog.records if r.name == "loket.request"]
    line = _json_line(record)
    assert line["request_id"] == "abc-123"
    assert line["route"] == "/api/v1/bookings/<code>"
    assert line["status"] == 401
    assert line["error_code"] == "unauthenticated"
    assert current_request_id() == "-"  # nothing leaks into the next request on this thread
