"""Files sent as evidence: at most the election's number per appeal (default ``MAX_FILES``), each at
most the election's size, never above ``TALLYROOM_APPEALS_FILE_BYTES`` (default 5 MiB), and only of
the types below, told by their first bytes (what the browser claims is ignored), whose name ends as
that type's does: PDF (.pdf), PNG (.png), JPEG (.jpg, .jpeg), or plain UTF-8 text (.txt)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_noop

from tallyroom.words import Words

MAX_FILES = 5
TYPES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
TEXT = "text/plain; charset=utf-8"
ENDINGS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    TEXT: (".txt",),
}


class EvidenceRefused(ValueError):
    """A file is of a type, or a size, not taken; the message (``Words``) names it."""


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    data: bytes


def max_bytes() -> int:
    """The deployment's limit on one file: no election's rules go above it."""
    return int(getattr(settings, "TALLYROOM_APPEALS_FILE_BYTES", 5 * 1024 * 1024))


def limits_of(rules) -> tuple[int, int]:
    """(files per appeal, bytes per file) under an election's appeal rules (None: the defaults)."""
    if rules is None:
        return MAX_FILES, max_bytes()
    return rules.max_files, min(rules.max_file_bytes or max_bytes(), max_bytes())


def kind_of(data: bytes) -> str | None:
    for magic, content_type in TYPES:
        if data.startswith(magic):
            return content_type
    if b"\0" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT


def checked(uploads, rules=None) -> list[Checked]:
    """The uploaded files (Django ``UploadedFile``\\ s) read and checked against the election's
    ``rules`` (``limits_of``), or EvidenceRefused."""
    most, limit = limits_of(rules)
    if len(uploads) > most:
        raise EvidenceRefused(
            Words(gettext_noop("Send at most %(n)s files."), n=most)
            if most
            else Words(gettext_noop("This election takes no files."))
        )
    out = []
    for upload in uploads:
        name = upload.name.rsplit("/", 1)[-1][:200] or "file"
        if upload.size > limit:
            raise EvidenceRefused(
                Words(
                    gettext_noop("%(name)s is %(size)s bytes: each file may be at most %(limit)s bytes."),
                    name=name,
                    size=f"{upload.size:,}",
                    limit=f"{limit:,}",
                )
            )
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise EvidenceRefused(
                Words(gettext_noop("%(name)s is larger than %(limit)s bytes."), name=name, limit=f"{limit:,}")
            )
        content_type = kind_of(data)
        if content_type is None or not name.lower().endswith(ENDINGS[content_type]):
            raise EvidenceRefused(
                Words(gettext_noop("%(name)s is not a PDF, PNG, JPEG or plain text file."), name=name)
            )
        out.append(Checked(name, content_type, data))
    return out
