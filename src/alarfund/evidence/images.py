"""Photos and scans are stored without metadata: decoded and re-encoded with Pillow.

Re-encoding drops EXIF (GPS position, camera, time), XMP, IPTC, comments, ICC profiles and PNG text
chunks, and destroys anything hidden in the file besides the picture (a "polyglot"). The EXIF
orientation is applied to the pixels first, so photos taken on a phone stay upright.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import UploadRefused
from .kinds import Kind

_PILLOW_FORMATS: dict[str, tuple[str, ...]] = {Kind.JPEG: ("JPEG", "MPO"), Kind.PNG: ("PNG",)}
JPEG_QUALITY = 90


def _damaged(filename: str) -> UploadRefused:
    return UploadRefused(
        _("the image is damaged or could not be read. Save or photograph it again."),
        code="image_damaged",
        filename=filename,
    )


def reencode_without_metadata(fp: IO[bytes], kind: str, *, max_pixels: int, filename: str) -> bytes:
    """The picture of ``fp`` as a fresh JPEG or PNG with no metadata at all."""
    fp.seek(0)
    formats = _PILLOW_FORMATS[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fp, formats=list(formats)) as original:
                if original.format not in formats:
                    raise _damaged(filename)
                width, height = original.size
                if width * height > max_pixels:
                    raise UploadRefused(
                        _(
                            "the image is too large (%(megapixels)d megapixels; at most %(limit)d). "
                            "Scan or photograph it at a lower resolution."
                        )
                        % {"megapixels": width * height // 1_000_000, "limit": max_pixels // 1_000_000},
                        code="image_too_large",
                        filename=filename,
                    )
                original.load()
                upright = ImageOps.exif_transpose(original)
                clean = _plain_mode(upright, kind)
                clean.info = {}
                out = io.BytesIO()
                if kind == Kind.JPEG:
                    clean.save(out, format="JPEG", quality=JPEG_QUALITY)
                else:
                    clean.save(out, format="PNG")
    except UploadRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
    ):
        raise _damaged(filename) from None
    return out.getvalue()


def _plain_mode(image: Image.Image, kind: str) -> Image.Image:
    """A copy in a mode the encoder writes plainly (no palette-carried transparency tricks)."""
    if kind == Kind.JPEG:
        return image.convert("L") if image.mode in ("1", "L", "I", "I;16", "F") else image.convert("RGB")
    if image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return image.copy()
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("I", "I;16", "F"):
        return image.convert("L")
    return image.convert("RGBA")
