"""An authority's look: its name, logo, colours, contact line and front-matter wording.

One TOML file holds all of it and every document uses it: the Word document, the HTML
page, the PDF and the child's "my outcomes" document. The bundled file,
``ehcp_kit/templates/branding.toml``, is the neutral default and documents every key;
an authority copies it and changes what it needs. A key left out keeps the default.

Colours are checked when the file is read: each text colour must reach a contrast of
4.5:1 with the colour it sits on (WCAG 2.2 AA, success criterion 1.4.3), so a file that
would make a document hard to read is refused with the setting named, before any
document is written.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import EhcpKitError, Location

__all__ = ["Branding", "BrandingError", "Colours", "Logo", "contrast_ratio", "load_branding"]

logger = logging.getLogger("ehcp_kit")

DEFAULT_FILE = "branding.toml"
MINIMUM_CONTRAST = 4.5
PAPER = "#ffffff"

_COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class BrandingError(EhcpKitError, ValueError):
    """A branding file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Colours:
    """The colours of the documents, as ``#rrggbb``. Pages are white paper."""

    text: str = "#1a1a1a"
    accent: str = "#1d4e75"
    banner_text: str = "#ffffff"
    banner_background: str = "#1d4e75"
    table_header_text: str = "#1a1a1a"
    table_header_background: str = "#e7ecf1"

    # Each text colour and the colour it is read on.
    PAIRS = (
        ("text", None),
        ("accent", None),
        ("banner_text", "banner_background"),
        ("table_header_text", "table_header_background"),
    )

    def hex(self, name: str) -> str:
        """A colour without its ``#``, as Word writes colours."""
        return getattr(self, name).lstrip("#").upper()


@dataclass(frozen=True)
class Logo:
    """The authority's logo: the image itself and the words that stand for it."""

    data: bytes = field(repr=False)
    media_type: str
    text: str
    source: str
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        """The image written into the page itself, so the page loads nothing."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Branding:
    """Everything about the look of the documents that belongs to the authority.

    ``name`` is the issuing authority shown in every page header; empty means the
    authority named in each plan. ``source`` is the file it came from, for messages.
    """

    name: str = ""
    logo: Logo | None = None
    contact: str = ""
    colours: Colours = Colours()
    introduction: str = ""
    my_outcomes_introduction: str = ""
    source: str | None = None

    def authority_for(self, plan_authority: str) -> str:
        """The name to print in the page header for a plan from ``plan_authority``."""
        return self.name or plan_authority


# The file's tables and keys, and the attribute each key sets.
_KEYS: dict[str, dict[str, str]] = {
    "authority": {"name": "name", "logo": "logo", "logo-text": "logo_text",
                  "contact": "contact"},
    "colours": {key.replace("_", "-"): key for key in (f.name for f in fields(Colours))},
    "wording": {"introduction": "introduction",
                "my-outcomes-introduction": "my_outcomes_introduction"},
}


def load_branding(path: str | os.PathLike[str] | None = None) -> Branding:
    """The branding in the TOML file at ``path``, or the bundled default for ``None``.

    Keys left out take the default's values. Raises :class:`BrandingError`, naming the
    file and the key, for a file that is missing or not TOML, an unknown key, a value
    that is not text, a colour that is not ``#rrggbb`` or fails the contrast check, or
    a logo that is missing or not a PNG or JPEG image.
    """
    if path is None:
        return default_branding()
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BrandingError(f"branding file {str(path)!r} does not exist") from error
    except (OSError, UnicodeDecodeError) as error:
        raise BrandingError(f"branding file {str(path)!r} cannot be read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise BrandingError(f"branding file {str(path)!r} is not valid TOML: {error}") from error
    return _from_table(table, path, base=default_branding())


def as_branding(branding: Branding | str | os.PathLike[str] | None) -> Branding:
    """``branding`` itself, the branding in the file it names, or the default."""
    if isinstance(branding, Branding):
        return branding
    return load_branding(branding or None)


@cache
def default_branding() -> Branding:
    """The bundled, neutral branding (read once)."""
    source = resources.files("ehcp_kit").joinpath("templates", DEFAULT_FILE)
    with resources.as_file(source) as path:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        return _from_table(table, path, base=Branding())


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    # Relative luminance as WCAG 2 defines it, from the sRGB channels.
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _from_table(table: dict[str, Any], path: Path, *, base: Branding) -> Branding:
    """Branding from a parsed file, each value checked, the rest taken from ``base``."""
    values: dict[str, str] = {}
    for section, content in table.items():
        if section not in _KEYS:
            raise BrandingError(
                f"{Location(str(path), field=section)}: unknown table; expected "
                f"{', '.join(f'[{name}]' for name in _KEYS)}"
            )
        if not isinstance(content, dict):
            raise BrandingError(f"{Location(str(path), field=section)}: must be a table "
                                f"([{section}]), not {content!r}")
        for key, value in content.items():
            where = Location(str(path), field=f"{section}.{key}")
            if key not in _KEYS[section]:
                raise BrandingError(f"{where}: unknown key; expected one of "
                                    f"{', '.join(_KEYS[section])}")
            if not isinstance(value, str):
                raise BrandingError(f"{where}: must be text in quotes, not {value!r}")
            values[_KEYS[section][key]] = value.strip()

    colours = replace(base.colours, **{
        name: _colour(values.pop(name), path, name)
        for name in [f.name for f in fields(Colours)] if name in values
    })
    _check_contrast(colours, path)

    logo_text = values.pop("logo_text", "")
    logo = base.logo
    if "logo" in values:
        logo_path = values.pop("logo")
        logo = _logo(logo_path, path, logo_text) if logo_path else None
    elif logo is not None and logo_text:
        logo = replace(logo, text=logo_text)

    branding = replace(base, colours=colours, logo=logo, source=str(path), **values)
    if branding.logo is not None and not branding.logo.text:
        name = branding.name or "the local authority"
        branding = replace(branding, logo=replace(branding.logo, text=f"{name} logo"))
    return branding


def _colour(value: str, path: Path, name: str) -> str:
    key = f"colours.{name.replace('_', '-')}"
    if not _COLOUR.fullmatch(value):
        raise BrandingError(f"{Location(str(path), field=key)}: {value!r} is not a colour; "
                            "write it as '#' and six hex digits, such as '#1d4e75'")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits.lower()}"


def _check_contrast(colours: Colours, path: Path) -> None:
    for text_name, background_name in Colours.PAIRS:
        text = getattr(colours, text_name)
        background = getattr(colours, background_name) if background_name else PAPER
        ratio = contrast_ratio(text, background)
        if ratio >= MINIMUM_CONTRAST:
            continue
        key = f"colours.{text_name.replace('_', '-')}"
        on = (f"colours.{background_name.replace('_', '-')} {background!r}"
              if background_name else f"the white page {PAPER!r}")
        raise BrandingError(
            f"{Location(str(path), field=key)}: {text!r} on {on} has a contrast of "
            f"{ratio:.2f}:1; text needs at least {MINIMUM_CONTRAST}:1 (WCAG 2.2 AA), so "
            "choose a darker or lighter colour"
        )


def _logo(value: str, path: Path, text: str) -> Logo:
    where = Location(str(path), field="authority.logo")
    image = Path(value).expanduser()
    if not image.is_absolute():
        image = path.parent / image
    try:
        data = image.read_bytes()
    except FileNotFoundError as error:
        raise BrandingError(f"{where}: logo file {str(image)!r} does not exist") from error
    except OSError as error:
        raise BrandingError(f"{where}: logo file {str(image)!r} cannot be read: "
                            f"{error.strerror}") from error

    # By the bytes, not the name: Word can hold only bitmap images.
    if data.startswith(_PNG):
        media_type = "image/png"
    elif data.startswith(_JPEG):
        media_type = "image/jpeg"
    else:
        raise BrandingError(f"{where}: logo file {str(image)!r} is not a PNG or JPEG image "
                            "(Word documents cannot hold SVG; export the logo as PNG)")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as opened:
            opened.verify()
            width, height = opened.size
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for a bad image
        raise BrandingError(f"{where}: logo file {str(image)!r} is not a readable image: "
                            f"{error}") from error
    return Logo(data, media_type, text, str(image), width, height)
