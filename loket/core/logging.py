"""Log records for operators: personal data masked (UU PDP 27/2022), one JSON object a line in production."""

import logging
from typing import Any

from lokal.samaran.logging import SamaranFilter
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from loket.core.requestid import current_request_id


class MaskPiiFilter(SamaranFilter):
    """Partial masks (3201********0001) keep logs useful for support without exposing a person.

    A record made only of parts that cannot hold personal data says so with the extra
    `pii_free=True` and is not scanned: the access line of every request (a method from a
    fixed list, the URL pattern, the status, the duration; loket/ops/middleware.py). Scanning
    it cost more than the whole answer of a board poll. Its traceback, if any, is still masked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "pii_free", False) is True and not record.exc_info and not record.stack_info:
            return True
        return super().filter(record)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (see loket/core/requestid.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


# Only these extra fields reach a JSON line. The PII filter masks the message and the exception
# text, not a record's extra attributes, so an extra that could carry personal data (Django's
# `request` object, a form's data) is left out rather than trusted.
SAFE_EXTRAS = frozenset({"request_id", "method", "route", "path", "status", "duration_ms", "error_code", "status_code"})


class JsonFormatter(_LibraryJsonFormatter):
    """time, level, logger, message, request id, and the safe extras above; exceptions as text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        fixed = {"time", "level", "logger", "message", "exc_info", "stack_info"}
        return {key: value for key, value in log_data.items() if key in fixed or key in SAFE_EXTRAS}

    def format(self, record: logging.LogRecord) -> str:
        # The library formats record.exc_info again, which would undo the PII filter's masking of
        # the traceback: once the filter has left its masked exc_text, that text is what is written.
        if record.exc_text:
            exc_info, record.exc_info = record.exc_info, None
            try:
                return super().format(record)
            finally:
                record.exc_info = exc_info
        return super().format(record)
