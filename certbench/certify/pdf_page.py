"""The certificate page: each block of the bilingual A4 design, drawn from the template.

Every block reads its box, sizes and texts from its table in ``template.toml``
(see ``certificates/default/template.toml``) and draws with a
:class:`~certbench.certify.pdf_layout.Painter`. :func:`draw_page` runs them all.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from certbench.certify.pdf_layout import Box, Painter, plan_qr
from certbench.errors import SigningError

if TYPE_CHECKING:
    from certbench.certify.pdf import CertificateView

__all__ = ["draw_page"]


def draw_page(p: Painter, view: CertificateView) -> None:
    """Draw every block of the certificate page."""
    for draw in _BLOCKS:
        draw(p, view)


def _draw_frame(p: Painter, view: CertificateView) -> None:
    frame = p.template.section("page").sub("frame")
    w, h = p.template.section("page").num("width"), p.page_height
    outer, inner = frame.num("outer_inset"), frame.num("inner_inset")
    p.rect(Box(outer, outer, w - 2 * outer, h - 2 * outer), stroke="primary",
           width=frame.num("outer_width"))
    p.rect(Box(inner, inner, w - 2 * inner, h - 2 * inner), stroke="accent",
           width=frame.num("inner_width"))
    corner = frame.num("corner")
    d = inner + 4
    for x, y, sx, sy in ((d, d, 1, 1), (w - d, d, -1, 1), (d, h - d, 1, -1),
                         (w - d, h - d, -1, -1)):
        p.hline(x, x + sx * corner, y, color="accent", width=1.6)
        p.canvas.line(x, h - y, x, h - (y + sy * corner))


def _draw_header(p: Painter, view: CertificateView) -> None:
    s = p.template.section("header")
    p.logo(p.template.section("logo"))
    box = s.box()
    number_size = s.num("number_size")
    label = s.pair("number_label")
    p.label(box.right, box.y + 9, label, 7, align="right")
    number_w = p.text(box.right, box.y + 11 + number_size, view.number, number_size, bold=True,
                      mono=True, color="primary", align="right")
    left_w = box.w - max(number_w, p.width(label.en + "  " + label.zh, 7)) - 18
    name_size = p.fit_size([view.body_name], s.num("name_size"), 8, left_w, bold=True)
    p.text(box.x, box.y + name_size + 2, view.body_name, name_size, bold=True, color="primary")
    id_label = s.pair("id_label")
    lines = [*p.wrap(view.body_address, s.num("address_size"), left_w),
             f"{id_label.en} / {id_label.zh}: {view.body_id}"]
    size = s.num("address_size")
    top = box.y + name_size + 6
    if top + len(lines) * size * 1.3 > box.bottom:
        raise p.overflow("certification body address")
    for i, line in enumerate(lines):
        p.text(box.x, top + size * (1 + i * 1.3), line, size, color="muted")
    p.hline(p.template.section("logo").box().x, box.right, box.bottom + 4, width=0.6)


def _draw_title(p: Painter, view: CertificateView) -> None:
    s = p.template.section("title")
    box = s.box()
    mid = box.x + box.w / 2
    title = s.pair("text")
    en_size, zh_size = s.num("en_size"), s.num("zh_size")
    p.text(mid, box.y + en_size, title.en, en_size, bold=True, color="primary", align="center")
    p.text(mid, box.y + en_size + zh_size + 6, title.zh, zh_size, color="accent", align="center")
    statement = s.pair("statement")
    size = s.num("statement_size")
    top = box.y + en_size + zh_size + 14
    top = p.paragraph(box, top, statement.en, size, color="muted", align="center")
    p.paragraph(box, top, statement.zh, size, color="muted", align="center")


def _draw_merchant(p: Painter, view: CertificateView) -> None:
    s = p.template.section("merchant")
    box = s.box()
    mid = box.x + box.w / 2
    p.label(mid, box.y + 7, s.pair("label"), 7, align="center")
    name_size = p.fit_size([view.merchant_name], s.num("name_size"), 9, box.w, bold=True)
    p.text(mid, box.y + 10 + name_size, view.merchant_name, name_size, bold=True, align="center")
    reg, country, address = s.pair("reg_label"), s.pair("country_label"), s.pair("address_label")
    size = s.num("detail_size")
    details = (f"{reg.en} / {reg.zh}: {view.merchant_reg_no}     "
               f"{country.en} / {country.zh}: {view.merchant_country}")
    top = box.y + 16 + name_size
    top = p.paragraph(box, top, details, size, align="center")
    p.paragraph(box, top, f"{address.en} / {address.zh}: {view.merchant_address}", size,
                align="center")


def _draw_scope(p: Painter, view: CertificateView) -> None:
    s = p.template.section("scope")
    box = s.box()
    p.rect(box, fill="panel", radius=4)
    inner = Box(box.x + 10, box.y + 6, box.w - 20, box.h - 10)
    p.label(inner.x, inner.y + 7, s.pair("label"), 7)
    area = Box(inner.x, inner.y + 13, inner.w, inner.h - 13)
    size, columns = _scope_layout(p, view.websites, area, s.num("size"), s.num("min_size"))
    gap = 10
    col_w = (area.w - gap * (len(columns) - 1)) / len(columns)
    for c, sites in enumerate(columns):
        x = area.x + c * (col_w + gap)
        y = area.y
        for site in sites:
            p.canvas.setFillColor(p.color("accent"))
            p.canvas.circle(x + 2, p.page_height - (y + size * 0.62), 1.4, stroke=0, fill=1)
            for line in p.wrap(site, size, col_w - 9):
                p.text(x + 9, y + size, line, size)
                y += size * 1.35


def _scope_layout(p: Painter, sites: tuple[str, ...], area: Box, size: float,
                  min_size: float) -> tuple[float, list[tuple[str, ...]]]:
    """The largest type size and fewest columns (one, then two) at which every site fits.

    :raises SigningError: when the scope does not fit even in two columns at ``min_size``.
    """
    for n_cols, lowest in ((1, max(min_size, size - 1.6)), (2, min_size)):
        col_w = (area.w - 10 * (n_cols - 1)) / n_cols
        per_col = -(-len(sites) // n_cols)
        columns = [sites[i:i + per_col] for i in range(0, len(sites), per_col)] or [()]
        current = size
        while current >= lowest - 1e-9:
            lines = max(sum(len(p.wrap(site, current, col_w - 9)) for site in col)
                        for col in columns)
            if lines * current * 1.35 <= area.h:
                return current, columns
            current -= 0.2
    raise p.overflow(f"scope of {len(sites)} websites")


def _draw_scheme(p: Painter, view: CertificateView) -> None:
    s = p.template.section("scheme")
    box = s.box()
    p.rect(box, fill="panel", radius=4)
    inner = Box(box.x + 10, box.y + 6, box.w - 20, box.h - 10)
    p.label(inner.x, inner.y + 7, s.pair("label"), 7)
    size = s.num("size")
    top = p.paragraph(inner, inner.y + 11, view.scheme_title_en, size)
    top = p.paragraph(inner, top, view.scheme_title_zh, size)
    form, version = s.pair("form_label"), s.pair("version_label")
    top = p.paragraph(inner, top, f"{form.en} / {form.zh}: {view.form_id}    "
                      f"{version.en} / {version.zh}: {view.form_version}", size * 0.9,
                      color="muted")
    hash_label = s.pair("hash_label")
    p.text(inner.x, top + 8, f"{hash_label.en} / {hash_label.zh}", 5.8, color="muted")
    p.paragraph(inner, top + 9, view.form_hash, s.num("hash_size"), color="muted")


def _draw_grade(p: Painter, view: CertificateView) -> None:
    s = p.template.section("grade")
    box = s.box()
    p.rect(box, fill="primary", radius=6)
    mid = box.x + box.w / 2
    label = s.pair("label")
    p.text(mid, box.y + 18, label.en.upper(), 9, bold=True, color="on_primary", align="center")
    p.text(mid, box.y + 30, label.zh, 9, color="on_primary", align="center")
    grade_size = p.fit_size([view.grade], s.num("grade_size"), 14, box.w - 20, bold=True)
    radius = min(box.w / 2 - 12, 44)
    centre = box.y + 38 + radius
    p.canvas.setFillColor(p.color("on_primary"))
    p.canvas.circle(mid, p.page_height - centre, radius, stroke=0, fill=1)
    p.canvas.setStrokeColor(p.color("accent"))
    p.canvas.setLineWidth(2)
    p.canvas.circle(mid, p.page_height - centre, radius - 4, stroke=1, fill=0)
    p.text(mid, centre + grade_size * 0.36, view.grade, grade_size, bold=True, color="primary",
           align="center")
    score = s.pair("score_label")
    top = centre + radius + 16
    p.text(mid, top, score.en, 7, bold=True, color="on_primary", align="center")
    p.text(mid, top + 10, score.zh, 7, color="on_primary", align="center")
    p.text(mid, top + 12 + s.num("score_size"), view.score, s.num("score_size"), bold=True,
           color="on_primary", align="center")


def _draw_domains(p: Painter, view: CertificateView) -> None:
    s = p.template.section("domains")
    box = s.box()
    columns = s.numbers("columns")
    if len(columns) != 4:
        raise p.overflow("[domains] columns must list 4 widths")
    p.label(box.x, box.y + 7, s.pair("label"), 7)
    rows = view.domain_scores
    header_top = box.y + 11
    row_h = min((box.h - 27) / max(len(rows), 1), s.num("size") * 2)
    size = min(s.num("size"), row_h / 1.45)
    if size < s.num("min_size"):
        raise p.overflow(f"{len(rows)} domain rows")
    min_size = s.num("min_size")
    size = _uniform_size(p, rows, size, min_size, (columns[1] - 6, columns[2] - 6))
    xs = [box.x + sum(columns[:i]) for i in range(4)]
    p.rect(Box(box.x, header_top, box.w, 14), fill="primary")
    hs = s.num("header_size")
    heads = (("ID", "代码"), ("Domain", ""), ("领域", ""), ("Score", "得分"))
    for i, (en, zh) in enumerate(heads):
        text = f"{en} {zh}".strip()
        if i == 3:
            p.text(box.right - 4, header_top + 9.6, text, hs, bold=True, color="on_primary",
                   align="right")
        else:
            p.text(xs[i] + 4, header_top + 9.6, text, hs, bold=True, color="on_primary")
    top = header_top + 14
    for n, (dom_id, en, zh, score) in enumerate(rows):
        if n % 2:
            p.rect(Box(box.x, top, box.w, row_h), fill="stripe")
        base = top + row_h / 2 + size * 0.36
        p.text(xs[0] + 4, base, dom_id, size, bold=True, color="primary")
        _domain_title(p, xs[1] + 4, top, row_h, en, size=size, min_size=min_size,
                      width=columns[1] - 6)
        _domain_title(p, xs[2] + 4, top, row_h, zh, size=size, min_size=min_size,
                      width=columns[2] - 6)
        p.text(box.right - 4, base, score, size, bold=True, mono=True, align="right")
        top += row_h
    p.hline(box.x, box.right, top, width=0.8)


def _uniform_size(p: Painter, rows: tuple[tuple[str, str, str, str], ...], size: float,
                  min_size: float, widths: tuple[float, float]) -> float:
    """The largest size down to ``min_size`` at which every title fits on one line;
    ``min_size`` when some title needs two lines even then (see :func:`_domain_title`)."""
    try:
        return min(p.fit_size([r[1] for r in rows] or [""], size, min_size, widths[0]),
                   p.fit_size([r[2] for r in rows] or [""], size, min_size, widths[1]))
    except SigningError:
        return min_size


def _domain_title(p: Painter, x: float, top: float, row_h: float, text: str, *, size: float,
                  min_size: float, width: float) -> None:
    """One domain title in its table cell: one line if it fits, else two smaller lines.

    :raises SigningError: when the title needs more than two lines at ``min_size``.
    """
    if p.width(text, size) <= width:
        p.text(x, top + row_h / 2 + size * 0.36, text, size)
        return
    small = min(size, min_size)
    lines = p.wrap(text, small, width)
    leading = min(small * 1.1, row_h / 2)
    if len(lines) > 2 or leading < small * 0.95:
        raise p.overflow(f"domain title {text!r}")
    first = top + row_h / 2 - (len(lines) - 1) * leading / 2 + small * 0.36
    for i, line in enumerate(lines):
        p.text(x, first + i * leading, line, small)


def _draw_dates(p: Painter, view: CertificateView) -> None:
    s = p.template.section("dates")
    box = s.box()
    items = s.tables("items")
    cell = box.w / max(len(items), 1)
    p.hline(box.x, box.right, box.y, width=0.6)
    p.hline(box.x, box.right, box.bottom, width=0.6)
    for i, item in enumerate(items):
        value = getattr(view, str(item.get("field")), None)
        if not isinstance(value, date):
            raise p.overflow(f"[dates] unknown field {item.get('field')!r}")
        mid = box.x + cell * (i + 0.5)
        p.text(mid, box.y + 10, str(item.get("en", "")), 6.6, bold=True, color="muted",
               align="center")
        p.text(mid, box.y + 19, str(item.get("zh", "")), 6.6, color="muted", align="center")
        p.text(mid, box.y + 21 + s.num("size"), value.isoformat(), s.num("size"), bold=True,
               mono=True, color="primary", align="center")
        if i:
            p.canvas.setStrokeColor(p.color("rule"))
            p.canvas.line(box.x + cell * i, p.page_height - box.y - 5,
                          box.x + cell * i, p.page_height - box.bottom + 5)


def _draw_qr(p: Painter, view: CertificateView) -> None:
    s = p.template.section("qr")
    box = s.box()
    caption = s.pair("caption")
    side = min(box.w, box.h - 10)
    plan = plan_qr(view.jws, side, s.text("error_correction"), int(s.num("quiet_zone")),
                   s.num("min_module"))
    left = box.x + (box.w - plan.size) / 2
    p.qr(plan, left, box.y)
    p.text(box.x + box.w / 2, box.y + plan.size + 6, f"{caption.en}  {caption.zh}", 6.2,
           color="muted", align="center")


def _draw_seal(p: Painter, view: CertificateView) -> None:
    s = p.template.section("seal")
    box = s.box()
    p.label(box.x, box.y + 7, s.pair("label"), 7)
    short = s.num("short_size")
    p.text(box.x, box.y + 10 + short, view.seal_hash_short, short, bold=True, mono=True,
           color="primary")
    per_line = int(s.num("hash_chars_per_line"))
    size = s.num("hash_size")
    chunks = [view.seal_hash[i:i + per_line] for i in range(0, len(view.seal_hash), per_line)]
    top = box.y + 16 + short
    if top + len(chunks) * size * 1.3 > box.bottom:
        raise p.overflow("seal hash")
    for i, chunk in enumerate(chunks):
        p.text(box.x, top + size * (1 + 1.3 * i), chunk, size, mono=True)


def _draw_verify(p: Painter, view: CertificateView) -> None:
    s = p.template.section("verify")
    box = s.box()
    p.label(box.x, box.y + 7, s.pair("label"), 7)
    text = s.pair("text")
    size = s.num("size")
    top = p.paragraph(box, box.y + 11, view.verify_hint_en or text.en, size)
    p.paragraph(box, top + 3, view.verify_hint_zh or text.zh, size)


def _draw_signature(p: Painter, view: CertificateView) -> None:
    s = p.template.section("signature")
    box = s.box()
    mid = box.x + box.w / 2
    p.label(mid, box.y + 7, s.pair("label"), 6.6, align="center")
    line_y = box.y + s.num("line_y")
    signed_by = s.pair("signed_by")
    p.text(mid, line_y - 30, f"{signed_by.en}  {signed_by.zh}", 6.2, color="muted",
           align="center")
    body_size = p.fit_size([view.body_name], 8, 5, box.w, bold=True)
    p.text(mid, line_y - 19, view.body_name, body_size, bold=True, color="primary",
           align="center")
    p.text(mid, line_y - 8, view.issue_date.isoformat(), 7, mono=True, color="muted",
           align="center")
    p.hline(box.x + 4, box.right - 4, line_y, color="text", width=0.7)
    name_size = p.fit_size([view.signatory_name], s.num("name_size"), 6, box.w, bold=True)
    p.text(mid, line_y + 4 + name_size, view.signatory_name, name_size, bold=True,
           align="center")
    top = line_y + 8 + name_size
    for part in view.signatory_title.split(" / "):  # "Title / 职务" reads best a line each
        top = p.paragraph(box, top, part, s.num("title_size"), color="muted", align="center")
    radius = s.num("seal_radius")
    if radius:
        _draw_stamp(p, mid, top + 6 + radius, radius, en=s.text("stamp_en"),
                    zh=s.text("stamp_zh"))
        top += 12 + 2 * radius
    note = s.pair("note")
    top = p.paragraph(box, top, note.en, s.num("note_size"), color="muted", align="center")
    p.paragraph(box, top, note.zh, s.num("note_size"), color="muted", align="center")


def _draw_stamp(p: Painter, x: float, centre: float, radius: float, *, en: str, zh: str) -> None:
    c = p.canvas
    y = p.page_height - centre
    c.setStrokeColor(p.color("accent"))
    c.setLineWidth(1.6)
    c.circle(x, y, radius, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.circle(x, y, radius - 4, stroke=1, fill=0)
    p.text(x, centre + 3.5, zh, 10, color="accent", align="center")
    en_size = p.fit_size([en], 5.4, 3.5, radius * 1.5, bold=True)
    p.text(x, centre + 4 + 10, en, en_size, bold=True, color="accent", align="center")


def _draw_footer(p: Painter, view: CertificateView) -> None:
    s = p.template.section("footer")
    text = s.pair("text")
    line = (f"{text.en.format(attachment=view.attachment_name)}   "
            f"{text.zh.format(attachment=view.attachment_name)}")
    width = p.template.section("page").num("width")
    p.text(width / 2, s.num("y"), line, s.num("size"), color="muted", align="center")


_BLOCKS = (_draw_frame, _draw_header, _draw_title, _draw_merchant, _draw_scope, _draw_scheme,
           _draw_grade, _draw_domains, _draw_dates, _draw_qr, _draw_seal, _draw_verify,
           _draw_signature, _draw_footer)
