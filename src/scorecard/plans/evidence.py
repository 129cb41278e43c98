"""Evidence files: check type and size, re-encode and resize photos, name them safely.

Photos (JPEG, PNG, WebP) are decoded with Pillow and written again as JPEG, at most
``MAX_SIDE`` pixels on the long side: this drops EXIF metadata (GPS positions of
people's houses), neutralises files that only pretend to be images, and keeps pages
light on phone connections. Documents are PDF only, recognised by their content, not
their name. Files are stored under MEDIA_ROOT (outside the web root) with random names
and served only through the access-checked ``evidence`` view.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


class EvidenceRefused(Exception):
    """The file is not accepted as evidence; ``code`` is a key of ``models.PROBLEMS``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Prepared:
    kind: str
    content_type: str
    size: int
    original_name: str
    filename: str
    content: ContentFile


def _image(data: bytes) -> Image.Image | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_FORMATS:
                return None
            if probe.width * probe.height > MAX_PIXELS:
                raise EvidenceRefused("pixels")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return None
    except (OSError, SyntaxError, ValueError):
        raise EvidenceRefused("damaged") from None
    return image


def reencode(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def prepare(upload: Any) -> Prepared:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise EvidenceRefused("too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise EvidenceRefused("too_large")
    if not data:
        raise EvidenceRefused("empty")
    name = str(getattr(upload, "name", "") or "file")
    token = uuid.uuid4().hex
    if data.startswith(b"%PDF-"):
        return Prepared(
            "document", "application/pdf", len(data), name, f"{token}.pdf", ContentFile(data)
        )
    image = _image(data)
    if image is None:
        raise EvidenceRefused("type")
    encoded = reencode(image)
    return Prepared("photo", "image/jpeg", len(encoded), name, f"{token}.jpg", ContentFile(encoded))
