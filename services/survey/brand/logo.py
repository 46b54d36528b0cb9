"""The brand's logo: PNG or JPEG only (never SVG), size-limited, decoded and re-encoded with Pillow so
that nothing but pixels is ever served (no metadata, no trailing bytes, no polyglot files)."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from services.common.exceptions import InvalidInputError, NotFoundError, PayloadTooLargeError
from services.survey.brand.settings import BRAND_ROW
from services.survey.models.brand import Brand
from shared.contracts.brand import LOGO_BOX, LOGO_MAX_BYTES, LOGO_MAX_PIXELS, LOGO_TYPES


class NoBrandError(NotFoundError):
    """A logo needs a brand: set it first with ``PUT /v1/brand``."""


class NoLogoError(NotFoundError):
    """The brand has no logo."""


@dataclass(frozen=True)
class Logo:
    """A re-encoded logo."""

    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        """The hash that names this version of the logo (ETag and cache-busting URL)."""
        return hashlib.sha256(self.content).hexdigest()


def reencode_logo(upload: bytes) -> Logo:
    """Decode an uploaded PNG or JPEG and encode it again, scaled into ``LOGO_BOX``.

    Raises ``PayloadTooLargeError`` (413) over ``LOGO_MAX_BYTES`` and ``InvalidInputError`` (422)
    for anything that is not a PNG or JPEG image Pillow can decode.
    """
    if len(upload) > LOGO_MAX_BYTES:
        raise PayloadTooLargeError(f"the logo is {len(upload)} bytes; at most {LOGO_MAX_BYTES} bytes")
    if not upload:
        raise InvalidInputError("send the logo as the request body (PNG or JPEG)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(upload), formats=list(LOGO_TYPES))
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise InvalidInputError(f"the logo is {image.width}x{image.height} pixels; at most "
                                        f"{LOGO_MAX_PIXELS} pixels in all")
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:
        raise InvalidInputError("the logo must be a PNG or JPEG image (SVG and other formats are refused)",
                                errors={"logo": [str(exc)[:200]]}) from exc
    kind = image.format or "PNG"
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
    else:
        keep = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
        image.convert(keep).save(out, format="PNG", optimize=True)
    return Logo(out.getvalue(), LOGO_TYPES[kind], image.width, image.height)


def store_logo(session: Session, upload: bytes, *, by: str, now: datetime) -> Logo:
    """Re-encode and store the brand's logo."""
    row = session.get(Brand, BRAND_ROW)
    if row is None:
        raise NoBrandError("set the brand first (PUT /v1/brand), then upload its logo")
    logo = reencode_logo(upload)
    row.logo, row.logo_type, row.logo_hash = logo.content, logo.content_type, logo.sha256
    row.logo_width, row.logo_height = logo.width, logo.height
    row.updated_at, row.updated_by = now, by
    session.commit()
    return logo


def remove_logo(session: Session, *, by: str, now: datetime) -> None:
    """Take the logo away (emails and pages show the brand's name instead)."""
    row = session.get(Brand, BRAND_ROW)
    if row is not None and row.logo is not None:
        row.logo = row.logo_type = row.logo_hash = None
        row.logo_width = row.logo_height = None
        row.updated_at, row.updated_by = now, by
        session.commit()


def read_logo(session: Session) -> tuple[bytes, str, str]:
    """The stored logo: bytes, content type and hash; raises ``NoLogoError``."""
    row = session.get(Brand, BRAND_ROW)
    if row is None or row.logo is None or row.logo_type is None or row.logo_hash is None:
        raise NoLogoError("no logo")
    return row.logo, row.logo_type, row.logo_hash
