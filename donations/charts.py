"""Server-rendered SVG: a campaign's money raised (net of refunds) against money disbursed, to date, by day."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from organizations.charts import yuan_label

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 30, 34
RAISED, DISBURSED = "#1a4b87", "#c77800"


def _nice_max(value):
    if value <= 0:
        return 100
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)


def _steps(days, value, x, y):
    """A step line: each day's total holds until the next day's."""
    points = []
    for i, d in enumerate(days):
        if i:
            points.append(f"{x(d.day):.1f},{y(value(days[i - 1])):.1f}")
        points.append(f"{x(d.day):.1f},{y(value(d)):.1f}")
    points.append(f"{WIDTH - RIGHT:.1f},{y(value(days[-1])):.1f}")
    return " ".join(points)


def money_svg(days):
    """`days`: donations.queries.DayMoney in date order. Empty string when there is nothing to draw."""
    if not days:
        return ""
    top = _nice_max(max(max(d.net_to_date_fen, d.disbursed_to_date_fen) for d in days))
    first, last = days[0].day, days[-1].day
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day):
        return LEFT + plot_w * (day - first).days / span * (0.94 if len(days) > 1 else 0)

    def y(fen):
        return TOP + plot_h - plot_h * max(fen, 0) / top

    title = _("Money raised (net of refunds) and disbursed to date, yuan")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="money-chart" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(5):
        value = top * i // 4
        gy = y(value)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#d5dbe2"/>'
                     f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="11" fill="#555f6b">'
                     f'{escape(yuan_label(value))}</text>')
    for colour, value in ((RAISED, lambda d: d.net_to_date_fen), (DISBURSED, lambda d: d.disbursed_to_date_fen)):
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'points="{_steps(days, value, x, y)}"/>')
    for day, anchor in ((first, "start"), (last, "end")):
        if day == last and day == first and anchor == "end":
            continue
        parts.append(f'<text x="{x(day) if anchor == "start" else WIDTH - RIGHT:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                     f'text-anchor="{anchor}" font-size="12" fill="#1f2328">{day.isoformat()}</text>')
    for i, (colour, label) in enumerate(((RAISED, _("Raised, net of refunds")), (DISBURSED, _("Disbursed")))):
        lx = LEFT + i * 170
        parts.append(f'<rect x="{lx}" y="8" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 18}" y="18" font-size="12" fill="#1f2328">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
