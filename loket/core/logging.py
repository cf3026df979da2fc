"""Masks personal data (NIK, phone, email...) in every log record (UU PDP 27/2022)."""

from lokal.samaran.logging import SamaranFilter


class MaskPiiFilter(SamaranFilter):
    """Partial masks (3201********0001) keep logs useful for support without exposing a person."""
