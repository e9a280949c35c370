"""Find and register the TrueType CJK font a certificate template names.

reportlab embeds only fonts with TrueType outlines (Noto CJK is CFF and cannot
be embedded), and a non-embedded CJK font renders as empty boxes in readers
without it. So a missing font is an error naming the package to install, never
a silent fallback. Registration parses a ~5 MB file, so it happens once per
process and font.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from certbench.errors import SigningError

__all__ = ["CjkFontSpec", "contains_cjk", "register_cjk_font"]


@dataclass(frozen=True)
class CjkFontSpec:
    """Where to look for the CJK font and how to name it."""

    name: str
    """The name the page uses for the font (also the embedded font's base name)."""
    candidates: tuple[str, ...]
    """Font file paths, tried in order; the first that exists and loads is used."""
    subfont_index: int
    """Index of the face inside a ``.ttc`` collection."""
    package: str
    """The Debian package that ships the font, named in the error when none is found."""


def register_cjk_font(spec: CjkFontSpec) -> str:
    """Register the first usable candidate with reportlab and return the font name.

    :raises SigningError: when no candidate exists or none has TrueType outlines.
    """
    return _register(spec.name, spec.candidates, spec.subfont_index, spec.package)


@cache
def _register(name: str, candidates: tuple[str, ...], subfont_index: int, package: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    problems: list[str] = []
    for path in _existing(candidates):
        try:
            font = TTFont(name, str(path), subfontIndex=subfont_index)
        except (TTFError, OSError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        pdfmetrics.registerFont(font)
        return name
    tried = "; ".join(problems) if problems else "none of " + ", ".join(candidates) + " exists"
    raise SigningError(
        f"no TrueType CJK font for certificates ({tried}); "
        f"install it with: apt-get install {package}",
        candidates=candidates,
        package=package,
    )


def _existing(candidates: Sequence[str]) -> list[Path]:
    return [Path(c).expanduser() for c in candidates if Path(c).expanduser().is_file()]


def contains_cjk(text: str) -> bool:
    """Whether ``text`` needs the CJK font (anything beyond Latin-1 the base fonts lack)."""
    return any(ord(ch) > 0xFF for ch in text)
