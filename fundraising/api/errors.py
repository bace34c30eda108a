"""One JSON error shape for the platform API: {"error": {"code", "message", "field"}}.

Messages follow the request's language (Accept-Language; Chinese by default).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from ..batch import first_error
from ..rules import RuleError


def error_body(code, message, field=None, **extra):
    return {"error": {"code": code, "message": str(message), "field": field, **extra}}


def exception_handler(exc, context):
    if isinstance(exc, RuleError):
        return Response(error_body(exc.code, exc.message, exc.field), status=400)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", str(exc) or _("Not found.")), status=404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = first_error(exc.detail)
        response.data = error_body("invalid", message, field, details=exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        response.data = error_body("throttled", _("Too many requests from this platform; retry in %(s)d seconds.")
                                   % {"s": exc.wait or 1}, retry_after=exc.wait)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(codes if isinstance(codes, str) else "error", exc.detail)
    return response


def json_not_found(request, *args, **kwargs):
    """Unknown paths under the API answer JSON too, not an HTML page."""
    return JsonResponse(error_body("not_found", _("No such API endpoint: %(path)s") % {"path": request.path}),
                        status=404, json_dumps_params={"ensure_ascii": False})
