"""Documents on the local disk are sealed; through the storage they read as uploaded."""

from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from loket.core.storage import MAGIC, SealedFileSystemStorage

PDF = b"%PDF-1.7\n% KTP scan of Ani Lestari, NIK 1671014508900002\n%%EOF\n"


def test_the_default_storage_seals_and_opens(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    assert isinstance(default_storage, SealedFileSystemStorage)
    name = default_storage.save("documents/ktp", ContentFile(PDF))
    on_disk = (tmp_path / name).read_bytes()
    assert on_disk.startswith(MAGIC)
    assert b"1671014508900002" not in on_disk and b"%PDF" not in on_disk
    with default_storage.open(name) as opened:
        assert opened.read() == PDF
    assert default_storage.size(name) == len(PDF)


def test_a_file_from_before_sealing_still_opens(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "old").write_bytes(PDF)
    with default_storage.open("documents/old") as opened:
        assert opened.read() == PDF
