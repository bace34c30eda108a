"""Who is calling: API-key authentication, the per-platform throttle, the request size limit, the key-use log.

A platform sends `Authorization: Bearer cck_<prefix>_<secret>`. The platform's
status is read from the database on every request and never cached, so a
suspension or revocation stops its keys at once.
"""

import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication
from rest_framework.throttling import SimpleRateThrottle

from ..actions.keys import hash_key, split_key
from ..models import ApiKey, KeyUse
from ..rules import RuleError, check_sanctions

KEY_ATTR = "_platform_api_key"
ITEMS_ATTR = "_platform_api_items"


class PlatformPrincipal:
    """`request.user` for an API call: the platform and the key it used."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, platform, key):
        self.platform, self.key = platform, key

    def __str__(self):
        return self.platform.actor


class PlatformRefused(exceptions.PermissionDenied):
    default_code = "platform_not_designated"


class PlatformKeyAuthentication(BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        # Read the header as text: a non-ASCII value is a bad key, not a server error.
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Bearer cck_<prefix>_<secret>."))
        plain = header[1]
        if not plain.isascii():
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        prefix = split_key(plain)
        key = (ApiKey.objects.select_related("platform").filter(prefix=prefix).first() if prefix else None)
        if key is None or not hmac.compare_digest(key.key_hash, hash_key(plain)):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        setattr(request._request, KEY_ATTR, key)
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        platform = key.platform
        if not platform.can_use_api:
            raise PlatformRefused(_("The platform %(code)s is %(status)s; its API keys do not work.")
                                  % {"code": platform.code, "status": platform.get_status_display()})
        try:
            check_sanctions(platform.subject, "use_api")
        except RuleError as exc:
            raise PlatformRefused(exc.message, code="sanctioned")
        return PlatformPrincipal(platform, key), key

    def authenticate_header(self, request):
        return 'Bearer realm="platform-api"'


class IsPlatform(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, PlatformPrincipal)


class PlatformThrottle(SimpleRateThrottle):
    """Requests per platform (all its keys together), counted in the shared cache."""

    scope = "platform"

    def get_rate(self):
        return getattr(settings, "PLATFORM_API_RATE", "1200/min")

    def get_cache_key(self, request, view):
        if not isinstance(request.user, PlatformPrincipal):
            return None
        return f"throttle_platform_{request.user.platform.code}"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


def check_size(request):
    limit = getattr(settings, "PLATFORM_API_MAX_BYTES", 4 * 1024 * 1024)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise RequestTooLarge(_("The request body is %(size)d bytes; at most %(limit)d are accepted.")
                              % {"size": length, "limit": limit})


def note_items(request, count):
    setattr(request._request, ITEMS_ATTR, count)


def log_use(request, response):
    """Every request made with a known key is logged, refused ones included."""
    key = getattr(request._request, KEY_ATTR, None)
    if key is None:
        return
    forwarded = request.META.get("REMOTE_ADDR") or None
    KeyUse.objects.create(key=key, at=timezone.now(), method=request.method[:10], path=request.path[:200],
                          status_code=response.status_code, items=getattr(request._request, ITEMS_ATTR, 0),
                          remote_addr=forwarded)
