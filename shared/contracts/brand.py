"""Brand contracts: the organisation's name, logo, primary colour, sender and footer, and the WCAG
contrast rule its colour must meet.

The primary colour fills buttons and the selected answer (text drawn on it in white or black,
whichever reads better) and marks borders and bars on the white page. It is accepted when that text
reaches WCAG AA for normal text (4.5:1, SC 1.4.3) and the colour itself stands out from the white
page as a user-interface component must (3:1, SC 1.4.11).
"""

from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate

from shared.contracts.base import ReplySchema, StrictSchema
from shared.contracts.fields import LANGUAGE, SingleLine

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE, BLACK = "#ffffff", "#000000"
#: WCAG 2.2 AA: normal text (SC 1.4.3) and user-interface components against their background (SC 1.4.11).
AA_TEXT = 4.5
AA_NON_TEXT = 3.0
#: Logo uploads: the formats accepted (never SVG, which can carry script), the largest upload and
#: the box the stored logo is scaled down into.
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4096 * 4096
LOGO_BOX = (480, 160)
SENDER_NAME = validate.Length(min=1, max=100)


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a ``#rrggbb`` colour (sRGB, the definition in WCAG's glossary)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05) of two ``#rrggbb`` colours, 1.0 to 21.0."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(colour: str) -> str:
    """The text colour (white or black) that reads better on ``colour``."""
    return WHITE if contrast_ratio(colour, WHITE) >= contrast_ratio(colour, BLACK) else BLACK


def colour_problem(colour: str) -> str | None:
    """Why ``colour`` cannot be the primary colour (the ratios it reached), or None when it can."""
    if not HEX_COLOUR.match(colour or ""):
        return "a colour as #rrggbb, e.g. #0b57d0"
    on_white, on_black = contrast_ratio(colour, WHITE), contrast_ratio(colour, BLACK)
    best = max(on_white, on_black)
    if best < AA_TEXT:
        return (f"text on {colour} reaches {best:.2f}:1 at best (white {on_white:.2f}:1, black "
                f"{on_black:.2f}:1); WCAG AA needs {AA_TEXT}:1")
    if on_white < AA_NON_TEXT:
        return (f"{colour} against the white page is {on_white:.2f}:1 (text on it: white {on_white:.2f}:1, "
                f"black {on_black:.2f}:1); WCAG AA needs {AA_NON_TEXT}:1 for buttons and selected "
                f"answers: choose a darker colour")
    return None


def _check_colour(value: str) -> None:
    problem = colour_problem(value)
    if problem:
        raise ValidationError(problem)


class BrandUpdateSchema(StrictSchema):
    """The brand as an admin sets it (the logo is uploaded on its own: ``PUT /v1/brand/logo``)."""

    name = SingleLine(required=True, validate=validate.Length(min=1, max=100),
                      metadata={"description": "the organisation's name, shown with its logo"})
    primary_color = fields.String(required=True, validate=_check_colour,
                                  metadata={"description": "#rrggbb; refused below WCAG AA contrast (the "
                                                           "message gives the ratios)"})
    sender_name = SingleLine(required=True, validate=SENDER_NAME,
                             metadata={"description": "the From name of invitation emails"})
    sender_address = fields.Email(required=True, validate=validate.Length(max=254))
    reply_to = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    footer = fields.Dict(keys=fields.String(validate=LANGUAGE),
                         values=SingleLine(validate=validate.Length(min=1, max=300)), load_default=dict,
                         metadata={"description": "a footer line per language (address, legal notice)"})


class BrandSchema(ReplySchema):
    """The brand in force (``configured`` is false while no admin has set one: defaults apply)."""

    configured = fields.Boolean(required=True)
    name = fields.String(required=True)
    primary_color = fields.String(required=True)
    text_on_primary = fields.String(required=True, metadata={"description": "#ffffff or #000000"})
    sender_name = fields.String(required=True)
    sender_address = fields.String(required=True)
    reply_to = fields.String(allow_none=True)
    footer = fields.Dict(keys=fields.String(), values=fields.String())
    logo_url = fields.String(allow_none=True, metadata={"description": "public URL served by cxloop"})
    logo_width = fields.Integer(allow_none=True)
    logo_height = fields.Integer(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
