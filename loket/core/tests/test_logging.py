import logging
import sys

from loket.core.logging import MaskPiiFilter


def test_nik_and_phone_are_masked_in_log_records() -> None:
    record = logging.LogRecord(
        "loket", logging.INFO, __file__, 1, "NIK %s HP %s", ("1671014508900002", "081234567890"), None
    )
    MaskPiiFilter().filter(record)
    text = record.getMessage()
    assert "1671014508900002" not in text
    assert "081234567890" not in text
    assert "1671" in text  # partial masks keep the ends for support


def test_a_record_marked_pii_free_is_not_scanned_but_an_unmarked_or_failing_one_is() -> None:
    nik = "1671014508900002"
    free = logging.LogRecord("loket.request", logging.INFO, __file__, 1, "GET %s", (f"/x/{nik}",), None)
    free.pii_free = True
    MaskPiiFilter().filter(free)
    assert nik in free.getMessage()  # the mark is a promise the caller makes: kept as written

    unmarked = logging.LogRecord("loket.request", logging.INFO, __file__, 1, "GET %s", (f"/x/{nik}",), None)
    MaskPiiFilter().filter(unmarked)
    assert nik not in unmarked.getMessage()

    try:
        raise ValueError(f"NIK {nik}")
    except ValueError:
        failing = logging.LogRecord("loket.request", logging.ERROR, __file__, 1, "GET /x", (), sys.exc_info())
    failing.pii_free = True
    MaskPiiFilter().filter(failing)
    assert failing.exc_text and nik not in failing.exc_text
