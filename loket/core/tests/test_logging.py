import logging

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
