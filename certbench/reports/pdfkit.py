"""reportlab plumbing shared by the report documents: styles, markup, page frame.

Latin text is set in the PDF standard fonts; any character those cannot encode
(Chinese, but also e.g. Polish or Vietnamese letters in a merchant's name) is
set in the embedded TrueType CJK font, run by run, so that every glyph shows
and the text stays searchable. In Chinese documents the CJK font is the base
font. Page numbers ("n of m") are drawn after the whole document is laid out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from certbench.errors import ExportError, SigningError
from certbench.reports.template import Labels, ReportTemplate

__all__ = [
    "Kit",
    "fmt_date",
    "fmt_datetime",
    "fmt_score",
    "make_kit",
]

MM = 72 / 25.4


def fmt_score(value: Decimal | None, *, percent: bool = True) -> str:
    """``87.50 %`` (two decimals, no float on the way); an en dash for ``None``."""
    if value is None:
        return "–"
    text = f"{value.quantize(Decimal('0.01'))}"
    return f"{text} %" if percent else text


def fmt_date(value: date | None) -> str:
    """ISO date or an en dash."""
    return value.isoformat() if value else "–"


def fmt_datetime(value: datetime | None) -> str:
    """``YYYY-MM-DD HH:MM UTC`` (naive datetimes are taken as UTC) or an en dash."""
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _needs_cjk(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


@dataclass(frozen=True)
class Kit:
    """Styles and helpers for one document in one language."""

    template: ReportTemplate
    labels: Labels
    cjk_font: str
    styles: dict[str, Any]

    @property
    def latin_base(self) -> bool:
        """Whether body text is set in the Latin standard font (English documents)."""
        return self.labels.lang != "zh"

    def colour(self, name: str) -> Any:
        """A reportlab colour from the template."""
        from reportlab.lib import colors

        return colors.HexColor(self.template.colours[name])

    def markup(self, text: str) -> str:
        """Escape ``text`` for a Paragraph and switch fonts for what Helvetica lacks."""
        if not self.latin_base:
            return escape(text).replace("\n", "<br/>")
        out: list[str] = []
        run: list[str] = []
        run_cjk = False
        for ch in text:
            cjk = _needs_cjk(ch) and ch != "\n"
            if run and cjk != run_cjk:
                out.append(self._run("".join(run), run_cjk))
                run = []
            run.append(ch)
            run_cjk = cjk
        if run:
            out.append(self._run("".join(run), run_cjk))
        return "".join(out)

    def _run(self, text: str, cjk: bool) -> str:
        body = escape(text).replace("\n", "<br/>")
        return f'<font name="{self.cjk_font}">{body}</font>' if cjk else body

    def para(self, text: str, style: str = "body", *, raw: bool = False) -> Any:
        """A Paragraph of ``text`` (escaped unless ``raw``) in the named style."""
        from reportlab.platypus import Paragraph

        return Paragraph(text if raw else self.markup(text), self.styles[style])

    def mono(self, text: str, style: str = "mono") -> Any:
        """Hex digests and ids: monospaced, broken into lines of 32 characters."""
        from reportlab.platypus import Paragraph

        chunks = [escape(text[i:i + 32]) for i in range(0, len(text), 32)] or [""]
        return Paragraph("<br/>".join(chunks), self.styles[style])

    def coloured(self, text: str, colour: str, style: str = "small") -> Any:
        """A Paragraph of ``text`` in the template colour ``colour``."""
        from reportlab.platypus import Paragraph

        hex_colour = self.template.colours[colour]
        body = f'<font color="{hex_colour}">{self.markup(text)}</font>'
        return Paragraph(body, self.styles[style])

    def heading(self, text: str) -> list[Any]:
        """A section heading with the accent rule under it."""
        from reportlab.platypus import Spacer
        from reportlab.platypus.flowables import HRFlowable

        return [Spacer(1, 3 * MM), self.para(text, "h2"),
                HRFlowable(width="100%", thickness=0.8, color=self.colour("accent"),
                           spaceBefore=0.5 * MM, spaceAfter=2 * MM)]

    def table(self, rows: Sequence[Sequence[Any]], widths_mm: Sequence[float | None], *,
              head: bool = True, extra: Sequence[tuple[Any, ...]] = (),
              total: float | None = None) -> Any:
        """A striped table whose head row repeats and whose rows may split across pages.

        ``None`` widths share what is left of ``total`` points (default: the frame width).
        """
        from reportlab.platypus import Table, TableStyle

        widths = [w * MM if w is not None else None for w in widths_mm]
        if None in widths:
            fixed = sum(w for w in widths if w is not None)
            free = ((total or self.frame_width()) - fixed) / widths.count(None)
            widths = [w if w is not None else free for w in widths]
        table = Table(list(rows), colWidths=widths, repeatRows=1 if head else 0,
                      splitInRow=1, hAlign="LEFT")
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, self.colour("table_grid")),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        first = 1 if head else 0
        for i in range(first, len(rows)):
            if (i - first) % 2 == 1:
                style.append(("BACKGROUND", (0, i), (-1, i), self.colour("table_stripe")))
        if head:
            style.append(("BACKGROUND", (0, 0), (-1, 0), self.colour("primary")))
        table.setStyle(TableStyle(style + list(extra)))
        return table

    def head_cells(self, *labels: str) -> list[Any]:
        """Table-head cells in the head style."""
        return [self.para(text, "th") for text in labels]

    def key_values(self, pairs: Sequence[tuple[str, Any]], key_mm: float = 42) -> Any:
        """A two-column key/value table (values may be text or flowables)."""
        rows = [[self.para(k, "key"), v if not isinstance(v, str) else self.para(v)]
                for k, v in pairs]
        return self.table(rows, [key_mm, None], head=False)

    def frame_width(self) -> float:
        """The width of the text frame in points."""
        from reportlab.lib.pagesizes import A4

        page = self.template.page
        return float(A4[0] - (page["margin_left"] + page["margin_right"]) * MM)


def _styles(template: ReportTemplate, lang: str, cjk_font: str) -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    fonts, sizes, col = template.fonts, template.sizes, template.colours
    base = cjk_font if lang == "zh" else fonts["latin"]
    bold = cjk_font if lang == "zh" else fonts["latin_bold"]
    wrap = "CJK" if lang == "zh" else None
    body = ParagraphStyle("body", fontName=base, fontSize=sizes["body_size"],
                          leading=sizes["body_size"] * 1.32,
                          textColor=colors.HexColor(col["text"]), wordWrap=wrap)
    small = ParagraphStyle("small", parent=body, fontSize=sizes["small_size"],
                           leading=sizes["small_size"] * 1.3)
    return {
        "body": body,
        "small": small,
        "muted": ParagraphStyle("muted", parent=small, textColor=colors.HexColor(col["muted"])),
        "key": ParagraphStyle("key", parent=body, fontName=bold,
                              textColor=colors.HexColor(col["primary"])),
        "th": ParagraphStyle("th", parent=small, fontName=bold,
                             textColor=colors.HexColor(col["table_head_text"])),
        "title": ParagraphStyle("title", parent=body, fontName=bold,
                                fontSize=sizes["title_size"], leading=sizes["title_size"] * 1.2,
                                textColor=colors.HexColor(col["primary"])),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=sizes["heading_size"],
                                   leading=sizes["heading_size"] * 1.3),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=sizes["heading_size"],
                             leading=sizes["heading_size"] * 1.25,
                             textColor=colors.HexColor(col["primary"]), keepWithNext=1),
        "banner": ParagraphStyle("banner", parent=small, fontName=bold,
                                 textColor=colors.HexColor(col["confidential"])),
        "grade": ParagraphStyle("grade", parent=body, fontName=fonts["latin_bold"],
                                fontSize=30, leading=34, alignment=1,
                                textColor=colors.HexColor(col["primary"])),
        "mono": ParagraphStyle("mono", parent=small, fontName=fonts["mono"],
                               fontSize=6.3, leading=8, wordWrap=None),
        "mono_big": ParagraphStyle("mono_big", parent=body, fontName=fonts["mono"],
                                   fontSize=sizes["body_size"], wordWrap=None),
    }


def make_kit(template: ReportTemplate, lang: str) -> Kit:
    """Register the CJK font and build the styles for ``lang``.

    :raises ExportError: the language is unknown or no CJK font can be embedded.
    """
    from certbench.certify.fonts import register_cjk_font

    labels = template.for_lang(lang)
    try:
        cjk = register_cjk_font(template.cjk)
    except SigningError as exc:
        raise ExportError(exc.message, **exc.context) from exc
    return Kit(template, labels, cjk, _styles(template, lang, cjk))


PageDecorator = Callable[[Any, Any], None]


def numbered_canvas(kit: Kit) -> type[Any]:
    """A canvas class that writes "Page n of m" on every page once the count is known."""
    from reportlab.pdfgen.canvas import Canvas

    page = kit.template.page
    font = kit.cjk_font if not kit.latin_base else kit.template.fonts["latin"]

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("invariant", 1)
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802  reportlab's name
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                self._draw_number(number, total)
                super().showPage()
            super().save()

        def _draw_number(self, number: int, total: int) -> None:
            width = self._pagesize[0]
            self.setFont(font, kit.template.sizes["small_size"])
            self.setFillColor(kit.colour("muted"))
            self.drawRightString(width - page["margin_right"] * MM,
                                 (page["footer_rule"] - 4.5) * MM,
                                 kit.labels("page", n=number, m=total))

    return NumberedCanvas


def page_frame(kit: Kit, *, title: str, right: str, footer_note: str,
               footer_small: str) -> PageDecorator:
    """The header and footer drawn on every page (page numbers come later)."""
    page, fonts = kit.template.page, kit.template.fonts
    small = kit.template.sizes["small_size"]

    def font_for(text: str, bold: bool = False) -> str:
        if not kit.latin_base or any(_needs_cjk(ch) for ch in text):
            return kit.cjk_font
        return fonts["latin_bold"] if bold else fonts["latin"]

    def decorate(canvas: Any, doc: Any) -> None:
        width, height = doc.pagesize
        left, right_x = page["margin_left"] * MM, width - page["margin_right"] * MM
        canvas.saveState()
        y = height - page["header_rule"] * MM
        canvas.setFillColor(kit.colour("primary"))
        canvas.setFont(font_for(title, bold=True), small + 1)
        canvas.drawString(left, y + 2 * MM, title)
        canvas.setFont(font_for(right), small)
        canvas.drawRightString(right_x, y + 2 * MM, right)
        canvas.setStrokeColor(kit.colour("primary"))
        canvas.setLineWidth(0.9)
        canvas.line(left, y, right_x, y)
        fy = page["footer_rule"] * MM
        canvas.setStrokeColor(kit.colour("table_grid"))
        canvas.setLineWidth(0.5)
        canvas.line(left, fy, right_x, fy)
        canvas.setFillColor(kit.colour("confidential" if footer_note else "muted"))
        canvas.setFont(font_for(footer_note, bold=True), small)
        canvas.drawString(left, fy - 4.5 * MM, footer_note)
        canvas.setFillColor(kit.colour("muted"))
        canvas.setFont(font_for(footer_small), small - 0.5)
        canvas.drawString(left, fy - 8 * MM, footer_small)
        canvas.restoreState()

    return decorate


def build(kit: Kit, story: list[Any], out: Any, *, title: str, author: str,
          decorate: PageDecorator) -> None:
    """Lay out ``story`` on A4 pages with the template margins and write it to ``out``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    page = kit.template.page
    doc = BaseDocTemplate(
        out, pagesize=A4, title=title, author=author, creator="certbench",
        leftMargin=page["margin_left"] * MM, rightMargin=page["margin_right"] * MM,
        topMargin=page["margin_top"] * MM, bottomMargin=page["margin_bottom"] * MM,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    try:
        doc.build(story, canvasmaker=numbered_canvas(kit))
    except OSError as exc:
        raise ExportError(f"cannot write the report: {exc}") from exc
