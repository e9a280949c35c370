"""Drawing primitives for certificate templates: the template file, text, logo, QR.

A template is a folder holding ``template.toml`` (see
``certificates/default/template.toml`` for every key). Boxes are
``[x, y, width, height]`` in points with the origin at the top-left of the page;
:class:`Painter` turns them into reportlab's bottom-left coordinates. Content
that does not fit its box is an error, never silently cut off: a certificate
that omits part of its scope would certify something else.

reportlab and qrcode are imported by the functions that need them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from certbench.certify.fonts import CjkFontSpec, contains_cjk
from certbench.errors import SigningError

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "Bilingual",
    "Box",
    "Painter",
    "QrPlan",
    "Section",
    "Template",
    "load_template",
    "plan_qr",
]

TEMPLATE_FILE = "template.toml"
_EC_LEVELS = ("H", "Q", "M", "L")


@dataclass(frozen=True)
class Box:
    """A rectangle in template coordinates (origin top-left, y down), in points."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The x of the right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """The y (from the top) of the bottom edge."""
        return self.y + self.h


@dataclass(frozen=True)
class Bilingual:
    """A text in English and Chinese."""

    en: str
    zh: str


@dataclass(frozen=True)
class Section:
    """One table of the template, with typed getters that name the bad key on error."""

    template: Path
    name: str
    data: dict[str, Any]

    def _fail(self, key: str, expected: str) -> SigningError:
        return SigningError(
            f"certificate template {self.template}: [{self.name}] {key} must be {expected}",
            template=str(self.template),
            key=f"{self.name}.{key}",
        )

    def raw(self, key: str) -> object:
        """The value at ``key``; a missing key is an error."""
        if key not in self.data:
            raise self._fail(key, "present")
        return self.data[key]

    def num(self, key: str, default: float | None = None) -> float:
        """A number."""
        if default is not None and key not in self.data:
            return default
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "a number")
        return float(value)

    def text(self, key: str) -> str:
        """A string."""
        value = self.raw(key)
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def box(self, key: str = "box") -> Box:
        """A box ``[x, y, w, h]``."""
        value = self.raw(key)
        if not (isinstance(value, list) and len(value) == 4
                and all(isinstance(v, int | float) for v in value)):
            raise self._fail(key, "[x, y, width, height]")
        return Box(*(float(v) for v in value))

    def pair(self, key: str) -> Bilingual:
        """A ``{ en = "...", zh = "..." }`` text pair."""
        value = self.raw(key)
        en = value.get("en") if isinstance(value, dict) else None
        zh = value.get("zh") if isinstance(value, dict) else None
        if not isinstance(en, str) or not isinstance(zh, str):
            raise self._fail(key, '{ en = "...", zh = "..." }')
        return Bilingual(en, zh)

    def tables(self, key: str) -> list[dict[str, Any]]:
        """An array of tables."""
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(key, "an array of tables")
        return value

    def numbers(self, key: str) -> list[float]:
        """An array of numbers."""
        value = self.raw(key)
        if not isinstance(value, list) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise self._fail(key, "an array of numbers")
        return [float(v) for v in value]

    def sub(self, key: str) -> Section:
        """A nested table."""
        value = self.raw(key)
        if not isinstance(value, dict):
            raise self._fail(key, "a table")
        return Section(self.template, f"{self.name}.{key}" if self.name else key, value)


@dataclass(frozen=True)
class Template:
    """A parsed certificate template."""

    path: Path
    """The ``template.toml`` file."""
    data: dict[str, Any]

    def section(self, name: str) -> Section:
        """The top-level table ``name``."""
        return Section(self.path, "", self.data).sub(name)

    def cjk_font(self) -> CjkFontSpec:
        """The CJK font declaration."""
        cjk = self.section("fonts").sub("cjk")
        candidates = cjk.raw("candidates")
        if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
            raise SigningError(f"certificate template {self.path}: [fonts.cjk] candidates "
                               "must be a list of paths", template=str(self.path))
        return CjkFontSpec(cjk.text("name"), tuple(candidates), int(cjk.num("subfont_index", 0)),
                           cjk.text("package"))


def load_template(folder: Path) -> Template:
    """Read ``folder/template.toml``.

    :raises SigningError: when the file is missing or is not valid TOML.
    """
    path = folder / TEMPLATE_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SigningError(f"cannot read certificate template {path}: {exc}",
                           template=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SigningError(f"certificate template {path} is not valid TOML: {exc}",
                           template=str(path)) from exc
    return Template(path, data)


class Painter:
    """Draws text and shapes on a reportlab canvas in template coordinates."""

    def __init__(self, canvas: Canvas, template: Template, cjk_font: str) -> None:
        self.canvas = canvas
        self.template = template
        self.page_height = template.section("page").num("height")
        fonts = template.section("fonts")
        self.fonts = {k: fonts.text(k) for k in ("latin", "latin_bold", "mono", "mono_bold")}
        self.fonts["cjk"] = cjk_font
        colors = template.section("colors")
        self._colors = {k: v for k, v in colors.data.items() if isinstance(v, str)}

    # -- colours and fonts ------------------------------------------------

    def color(self, name: str) -> Any:
        """A reportlab colour from a template colour name or ``#RRGGBB``."""
        from reportlab.lib.colors import HexColor

        value = self._colors.get(name, name)
        try:
            return HexColor(value)
        except (ValueError, TypeError) as exc:
            raise SigningError(f"certificate template {self.template.path}: unknown colour "
                               f"{name!r}", template=str(self.template.path)) from exc

    def font_for(self, text: str, bold: bool = False, mono: bool = False) -> str:
        """The font to draw ``text`` in: the CJK font whenever it has non-Latin-1 characters."""
        if contains_cjk(text):
            return self.fonts["cjk"]
        if mono:
            return self.fonts["mono_bold" if bold else "mono"]
        return self.fonts["latin_bold" if bold else "latin"]

    def width(self, text: str, size: float, bold: bool = False, mono: bool = False) -> float:
        """The advance width of ``text`` in points."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return float(stringWidth(text, self.font_for(text, bold, mono), size))

    # -- text -------------------------------------------------------------

    def text(self, x: float, baseline: float, text: str, size: float, *, bold: bool = False,
             mono: bool = False, color: str = "text", align: str = "left") -> float:
        """Draw one line at ``baseline`` (from the top); returns its width.

        The CJK font has no bold face; bold CJK text is drawn filled and stroked.
        """
        font = self.font_for(text, bold, mono)
        width = self.width(text, size, bold, mono)
        left = x - width if align == "right" else x - width / 2 if align == "center" else x
        c = self.canvas
        t = c.beginText(left, self.page_height - baseline)
        t.setFont(font, size)
        t.setFillColor(self.color(color))
        if bold and font == self.fonts["cjk"]:
            t.setTextRenderMode(2)
            c.setStrokeColor(self.color(color))
            c.setLineWidth(size * 0.035)
        t.textOut(text)
        t.setTextRenderMode(0)
        c.drawText(t)
        return width

    def label(self, x: float, baseline: float, label: Bilingual, size: float, *,
              color: str = "muted", align: str = "left", sep: str = "  ") -> float:
        """Draw an ``English  中文`` label (English in bold Latin); returns its width."""
        en_w = self.width(label.en, size, bold=True)
        total = en_w + self.width(sep + label.zh, size)
        left = x - total if align == "right" else x - total / 2 if align == "center" else x
        self.text(left, baseline, label.en, size, bold=True, color=color)
        self.text(left + en_w + self.width(sep, size), baseline, label.zh, size, color=color)
        return total

    def wrap(self, text: str, size: float, max_width: float, bold: bool = False,
             mono: bool = False) -> list[str]:
        """Break ``text`` into lines no wider than ``max_width``.

        Latin words break at spaces, CJK text between any two characters; a word
        longer than a line (a URL, a hash) breaks between characters.
        """
        lines: list[str] = []
        line = ""
        for token in _tokens(text):
            candidate = line + token
            if line and self.width(candidate.rstrip(), size, bold, mono) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
            while self.width(line.rstrip(), size, bold, mono) > max_width and len(line) > 1:
                cut = self._fit_chars(line, size, max_width, bold, mono)
                lines.append(line[:cut])
                line = line[cut:]
        if line.strip():
            lines.append(line.rstrip())
        return lines

    def _fit_chars(self, text: str, size: float, max_width: float, bold: bool,
                   mono: bool) -> int:
        n = len(text)
        while n > 1 and self.width(text[:n], size, bold, mono) > max_width:
            n -= 1
        return n

    def paragraph(self, box: Box, top: float, text: str, size: float, *, leading: float = 1.3,
                  color: str = "text", align: str = "left") -> float:
        """Draw wrapped ``text`` from ``top`` inside ``box``; returns the y below the last line.

        :raises SigningError: when the text runs past the bottom of the box.
        """
        lines = self.wrap(text, size, box.w)
        bottom = top + len(lines) * size * leading
        if bottom > box.bottom + 0.01:
            raise self.overflow(f"{text[:40]!r}...")
        x = box.x if align == "left" else box.x + box.w / 2
        for i, line in enumerate(lines):
            self.text(x, top + size * (0.95 + i * leading), line, size, color=color, align=align)
        return bottom

    def fit_size(self, texts: Sequence[str], size: float, min_size: float, max_width: float,
                 bold: bool = False) -> float:
        """The largest size from ``size`` down to ``min_size`` at which every text fits one line.

        :raises SigningError: when even ``min_size`` is too wide.
        """
        while size >= min_size:
            if all(self.width(t, size, bold) <= max_width for t in texts):
                return size
            size -= 0.2
        raise self.overflow(max(texts, key=len))

    def overflow(self, what: str) -> SigningError:
        """The error for content that does not fit the template."""
        return SigningError(f"certificate content does not fit template "
                            f"{self.template.path}: {what}", template=str(self.template.path))

    # -- shapes -----------------------------------------------------------

    def rect(self, box: Box, *, fill: str | None = None, stroke: str | None = None,
             width: float = 0.5, radius: float = 0) -> None:
        """Draw a (rounded) rectangle."""
        c = self.canvas
        if fill:
            c.setFillColor(self.color(fill))
        if stroke:
            c.setStrokeColor(self.color(stroke))
            c.setLineWidth(width)
        y = self.page_height - box.bottom
        if radius:
            c.roundRect(box.x, y, box.w, box.h, radius, stroke=int(bool(stroke)),
                        fill=int(bool(fill)))
        else:
            c.rect(box.x, y, box.w, box.h, stroke=int(bool(stroke)), fill=int(bool(fill)))

    def hline(self, x0: float, x1: float, y: float, color: str = "rule",
              width: float = 0.5) -> None:
        """A horizontal rule at ``y`` (from the top)."""
        c = self.canvas
        c.setStrokeColor(self.color(color))
        c.setLineWidth(width)
        c.line(x0, self.page_height - y, x1, self.page_height - y)

    def logo(self, section: Section) -> None:
        """Draw the template's vector logo: shapes in a 100-unit square scaled into the box."""
        box = section.box()
        scale = min(box.w, box.h) / 100
        for i, shape in enumerate(section.tables("shapes")):
            self._shape(Section(section.template, f"logo.shapes[{i}]", shape), box, scale)

    def _shape(self, shape: Section, box: Box, scale: float) -> None:
        c = self.canvas

        def pt(x: float, y: float) -> tuple[float, float]:
            return box.x + x * scale, self.page_height - (box.y + y * scale)

        fill = shape.data.get("fill")
        stroke = shape.data.get("stroke")
        if fill:
            c.setFillColor(self.color(str(fill)))
        if stroke:
            c.setStrokeColor(self.color(str(stroke)))
            c.setLineWidth(shape.num("width", 1) * scale)
            c.setLineJoin(1)
            c.setLineCap(1)
        kind = shape.text("kind")
        if kind == "circle":
            cx, cy = pt(shape.num("cx"), shape.num("cy"))
            c.circle(cx, cy, shape.num("r") * scale, stroke=int(bool(stroke)),
                     fill=int(bool(fill)))
            return
        if kind not in ("polygon", "polyline"):
            raise shape._fail("kind", "circle, polygon or polyline")
        points = shape.raw("points")
        if not isinstance(points, list) or len(points) < 2:
            raise shape._fail("points", "a list of [x, y] pairs")
        path = c.beginPath()
        for i, (px, py) in enumerate(points):
            (path.lineTo if i else path.moveTo)(*pt(float(px), float(py)))
        if kind == "polygon":
            path.close()
        c.drawPath(path, stroke=int(bool(stroke)), fill=int(bool(fill) and kind == "polygon"))

    def qr(self, plan: QrPlan, x: float, top: float) -> None:
        """Draw the QR matrix as one filled path (runs of dark modules merged into rectangles).

        The path operators are written directly: a large symbol has thousands of
        runs, and reportlab's pure-Python number formatting would dominate.
        """
        c = self.canvas
        m = plan.module
        origin = x + plan.quiet_zone * m
        y_top = self.page_height - top - plan.quiet_zone * m
        ops: list[str] = []
        for r, row in enumerate(plan.matrix):
            y = y_top - (r + 1) * m
            col, n = 0, len(row)
            while col < n:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < n and row[col]:
                    col += 1
                ops.append(f"{origin + start * m:.3f} {y:.3f} {(col - start) * m:.3f} {m:.3f} re")
        c.setFillColorRGB(1, 1, 1)
        c.rect(x, self.page_height - top - plan.size, plan.size, plan.size, stroke=0, fill=1)
        c.saveState()
        c.setFillColorRGB(0, 0, 0)
        c.addLiteral("\n".join(ops) + "\nf")
        c.restoreState()


@dataclass(frozen=True)
class QrPlan:
    """A QR matrix sized to its box."""

    matrix: tuple[tuple[bool, ...], ...]
    module: float
    """Side of one module, in points."""
    quiet_zone: int
    error_correction: str

    @property
    def size(self) -> float:
        """Side of the whole symbol including the quiet zone, in points."""
        return (len(self.matrix) + 2 * self.quiet_zone) * self.module


def plan_qr(text: str, side: float, error_correction: str, quiet_zone: int,
            min_module: float) -> QrPlan:
    """Encode ``text`` at the strongest error correction (from the template's down to L)
    whose modules are at least ``min_module`` points in a ``side``-point square.

    :raises SigningError: when even level L would need smaller modules.
    """
    from qrcode.exceptions import DataOverflowError

    if error_correction not in _EC_LEVELS:
        raise SigningError(f"QR error correction must be one of {', '.join(_EC_LEVELS)}")
    for level in _EC_LEVELS[_EC_LEVELS.index(error_correction):]:
        qr = _qr_code(text, level)
        try:
            qr.best_fit()  # the version alone is cheap; building the matrix is not
        except (ValueError, DataOverflowError):  # more than a version-40 symbol holds
            continue
        module = side / (17 + 4 * qr.version + 2 * quiet_zone)
        if module >= min_module:
            qr.make(fit=False)
            matrix = tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())
            return QrPlan(matrix, module, quiet_zone, level)
    raise SigningError(f"the seal ({len(text)} characters) is too long for a {side:.0f} pt QR "
                       f"code with modules of at least {min_module} pt", length=len(text))


def _qr_code(text: str, level: str) -> Any:
    import qrcode
    from qrcode import constants

    ec = {"L": constants.ERROR_CORRECT_L, "M": constants.ERROR_CORRECT_M,
          "Q": constants.ERROR_CORRECT_Q, "H": constants.ERROR_CORRECT_H}[level]
    qr = qrcode.QRCode(error_correction=ec, border=0)
    qr.add_data(text.encode("utf-8"))
    return qr


def _tokens(text: str) -> list[str]:
    """Split into wrap units: each CJK character alone, Latin words with their trailing space."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if contains_cjk(ch):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens
