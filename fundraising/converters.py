"""URL converters for the public ids, so anything else is a plain 404 before a query is made
(PostgreSQL refuses NUL characters in a query, which must not become a 500)."""

from django.urls import register_converter


class _Pattern:
    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class PlatformCode(_Pattern):
    regex = r"[a-z][a-z0-9-]{1,30}[a-z0-9]"


class FilingNumber(_Pattern):
    regex = r"[0-9A-Z]{1,24}"


class ExternalId(_Pattern):
    regex = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}"


register_converter(PlatformCode, "platform_code")
register_converter(FilingNumber, "filing_number")
register_converter(ExternalId, "external_id")
