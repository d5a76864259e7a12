"""Downloads sent as they are read, so a party-sized export never sits whole in the web process:
a stored text column read a slice at a time (``text_slices``), and the response around any
iterator of text (``download``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models.functions import Length, Substr
from django.http import StreamingHttpResponse

SLICE = 1 << 20  # characters read per query


def text_slices(queryset, field: str, size: int = SLICE) -> Iterator[str]:
    """The text in ``field`` of the one row of ``queryset``, ``size`` characters at a time (one
    query each; the length first)."""
    length = queryset.annotate(n=Length(field)).values_list("n", flat=True).get() or 0
    for start in range(1, length + 1, size):
        yield queryset.annotate(part=Substr(field, start, size)).values_list("part", flat=True).get()


def download(chunks: Iterable[str | bytes], filename: str, content_type: str) -> StreamingHttpResponse:
    """A streamed attachment called ``filename`` whose body is ``chunks``."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
