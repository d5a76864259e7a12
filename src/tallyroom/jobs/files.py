"""A job's input file, stored once in the database a chunk at a time and read back as a binary file.

The web request that starts a member import hands the upload to ``store`` (Django keeps a large
upload in a temporary file, so the request holds one chunk at a time); the worker, on this machine
or another, reads it with ``open_file``, which fetches one chunk at a time and can seek back to the
start (the import reads the file twice). ``discard`` deletes it once the work no longer needs it.
"""

from __future__ import annotations

import io

from .models import Job, JobFile, JobFileChunk

CHUNK = 1 << 20  # bytes a row


def store(job: Job, upload, name: str | None = None) -> JobFile:
    """Store ``upload`` (a Django upload or an open binary file) as ``job``'s file, ``CHUNK`` bytes a
    row. Call inside the transaction that starts the job."""
    stored = JobFile.objects.create(job=job, name=name or getattr(upload, "name", None) or "upload")
    size = 0
    pieces = upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b"")
    for seq, data in enumerate(_rechunked(pieces)):
        JobFileChunk.objects.create(file=stored, seq=seq, data=data)
        size += len(data)
    stored.size = size
    stored.save(update_fields=["size"])
    return stored


def _rechunked(pieces):
    """The bytes of ``pieces`` again, every piece but the last exactly ``CHUNK`` long (so that an
    offset's chunk is ``offset // CHUNK``)."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if buffer:
        yield bytes(buffer)


class _ChunkReader(io.RawIOBase):
    def __init__(self, stored: JobFile):
        self.stored, self.name, self.pos = stored, stored.name, 0
        self.seq, self.data = -1, b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.stored.size}[whence]
        self.pos = max(base + offset, 0)
        return self.pos

    def readinto(self, buffer) -> int:
        if self.pos >= self.stored.size:
            return 0
        seq, start = divmod(self.pos, CHUNK)
        if seq != self.seq:
            data = JobFileChunk.objects.filter(file=self.stored, seq=seq).values_list("data", flat=True).get()
            self.seq, self.data = seq, bytes(data)
        piece = self.data[start : start + len(buffer)]
        buffer[: len(piece)] = piece
        self.pos += len(piece)
        return len(piece)


def open_file(job: Job) -> io.BufferedReader:
    """``job``'s stored file as a binary file named as uploaded; JobFile.DoesNotExist if none."""
    return io.BufferedReader(_ChunkReader(JobFile.objects.get(job=job)), buffer_size=64 * 1024)


def discard(job: Job) -> None:
    """Delete ``job``'s stored file, if any."""
    JobFile.objects.filter(job=job).delete()
