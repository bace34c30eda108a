from django import template

register = template.Library()


@register.filter
def yuan(fen):
    """Integer fen as yuan with thousands separators: 123456789 -> 1,234,567.89."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, ())
