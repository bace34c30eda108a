"""Template helpers for fundraising pages: `{% load fundraising_tags %}`.

- `{{ amount_fen|yuan }}`: fen as yuan with thousands separators, e.g. 1,234.56.
- `{{ platform.status|status_badge }}`: the .badge class for a status.
- `{{ code|region_name }}`: 北京市 东城区 for a GB/T 2260 code.
"""

from django import template

from organizations import regions

register = template.Library()

BADGES = {
    "designated": "badge-ok", "active": "badge-ok", "accepted": "badge-ok", "approved": "badge-ok",
    "notice": "badge-warn", "under_review": "badge-warn", "applied": "badge-warn", "filed": "badge-warn",
    "pending": "badge-warn", "open": "badge-warn", "correction": "badge-warn",
    "suspended": "badge-danger", "revoked": "badge-danger", "rejected": "badge-danger", "terminated": "badge-danger",
    "declined": "badge-danger",
}


@register.filter
def yuan(fen):
    if fen is None or fen == "":
        return ""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@register.filter
def status_badge(status):
    return BADGES.get(status, "")


@register.filter
def region_name(code):
    return regions.full_name(code) or code
