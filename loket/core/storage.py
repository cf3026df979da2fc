"""Uploaded documents sealed at rest on the local disk (AES-GCM with LOKET_DATA_KEYS).

A file on disk is MAGIC + key id + nonce + ciphertext; opened through the storage it is the
original bytes again. Files written before sealing (no MAGIC) are read as they are. S3-compatible
storage (LOKET_S3_BUCKET) is left to the bucket's own encryption.
"""

from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from loket.core.crypto import key_ring

MAGIC = b"LOKET-SEALED-1\n"
CONTEXT = b"loket-document"


def seal_bytes(data: bytes) -> bytes:
    kid, blob = key_ring().seal(data, context=CONTEXT)
    return MAGIC + kid.encode() + b"\n" + blob


def open_bytes(data: bytes) -> bytes:
    if not data.startswith(MAGIC):
        return data  # written before sealing
    kid, _newline, blob = data[len(MAGIC) :].partition(b"\n")
    return key_ring().open(kid.decode(), blob, context=CONTEXT)


class SealedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        content.seek(0)
        return super()._save(name, ContentFile(seal_bytes(content.read())))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            return ContentFile(open_bytes(stored.read()), name=name)

    def size(self, name: str) -> int:
        with self._open(name) as opened:
            return int(opened.size)
