"""Server-rendered SVG chart of a charity's finances by year (no JavaScript)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 28, 36
INCOME, EXPENDITURE = "#1a4b87", "#c77800"


def yuan_label(fen):
    """Short axis labels: 万 / 亿 in Chinese, as reports give them; K / M / B in English."""
    yuan = fen / 100
    if get_language() == "en":
        steps = ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    else:
        steps = ((1e8, "亿"), (1e4, "万"))
    for size, unit in steps:
        if abs(yuan) >= size:
            return f"{yuan / size:.4g}{unit}"
    return f"{yuan:g}"


def _nice_max(value):
    if value <= 0:
        return 100
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)


def finance_svg(reports):
    """Income and expenditure per year as grouped bars; `reports` in year order."""
    if not reports:
        return ""
    top = _nice_max(max(max(r.income_fen, r.expenditure_fen) for r in reports))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(reports)
    bar = min(36, slot / 3)
    title = _("Income and expenditure by year (yuan)")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="finance-chart" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dbe2"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#555f6b">'
                     f'{escape(yuan_label(value))}</text>')
    for i, r in enumerate(reports):
        x = LEFT + slot * i + slot / 2
        for offset, value, colour, label in ((-bar, r.income_fen, INCOME, _("Income")),
                                             (0, r.expenditure_fen, EXPENDITURE, _("Expenditure"))):
            h = plot_h * value / top
            parts.append(f'<rect x="{x + offset:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{r.year} {escape(label)}: '
                         f'{value / 100:,.2f}</title></rect>')
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                     f'fill="#1f2328">{r.year}</text>')
    for i, (colour, label) in enumerate(((INCOME, _("Income")), (EXPENDITURE, _("Expenditure")))):
        x = LEFT + i * 110
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 18}" y="16" font-size="12" fill="#1f2328">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
