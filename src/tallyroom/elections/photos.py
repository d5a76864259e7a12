"""Candidates' photos: an upload is taken only if Pillow reads it as a JPEG or PNG within the size
limits, and is stored re-encoded (scaled to fit ``SIDE`` pixels, metadata such as GPS positions
dropped), so what is served is always an image this code wrote."""

from __future__ import annotations

import hashlib
import io
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
SIDE = 600
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def reencoded(upload) -> tuple[bytes, str]:
    """The photo in ``upload`` (a Django uploaded file) as (bytes, content type), or
    ValidationError saying what is wrong with it."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            gettext("The photo is %(size)s MB: upload one of at most 5 MB.")
            % {"size": f"{upload.size / 2**20:.1f}"}
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ValidationError(
                    gettext("The photo is a %(kind)s file: upload a JPEG or a PNG.") % {"kind": image.format}
                )
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    gettext("The photo has too many pixels: upload one of at most 40 megapixels.")
                )
            image.load()
            kind = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError):
        raise ValidationError(gettext("That file is not a JPEG or PNG image that can be read.")) from None
    image.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    if kind == "PNG" or image.mode in ("RGBA", "LA", "P"):
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), FORMATS["PNG"]
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue(), FORMATS["JPEG"]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
