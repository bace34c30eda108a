"""Endpoints of the platform docking API. Thin: the work happens in actions and fundraising.batch."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import pagination, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..actions.progress import report_progress
from ..batch import MAX_BATCH_ITEMS, BatchTooLarge
from ..models import Campaign, ProgressReport
from . import examples
from .auth import IsPlatform, PlatformKeyAuthentication, PlatformThrottle, check_size, log_use, note_items
from .errors import error_body, exception_handler
from .serializers import (
    BatchResultSerializer,
    CampaignSerializer,
    ErrorSerializer,
    ItemResultSerializer,
    PlatformSerializer,
    ProgressBatchSerializer,
    ProgressFields,
    ProgressItemSerializer,
    ProgressReportSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input; `error.field` names the field."),
    401: OpenApiResponse(ErrorSerializer, description="Missing, unknown or revoked API key."),
    403: OpenApiResponse(ErrorSerializer, description="The platform is not designated (suspended, revoked...)."),
    404: OpenApiResponse(ErrorSerializer, description="Not found on this platform."),
    413: OpenApiResponse(ErrorSerializer, description="Request body larger than the limit (4 MiB by default)."),
    429: OpenApiResponse(ErrorSerializer, description="Throttled; retry after `error.retry_after` seconds."),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


class PlatformAPIView(APIView):
    authentication_classes = [PlatformKeyAuthentication]
    permission_classes = [IsPlatform]
    throttle_classes = [PlatformThrottle]

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_size(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        log_use(request, response)
        return response

    @property
    def platform(self):
        return self.request.user.platform

    def platform_campaign(self, filing_number):
        """A campaign running on the calling platform; anything else is a 404, whether it exists or not."""
        return get_object_or_404(Campaign.objects.select_related("organization").prefetch_related("platforms"),
                                 filing_number=filing_number, platforms=self.platform)


class MeView(PlatformAPIView):
    @extend_schema(summary="The calling platform", responses={200: PlatformSerializer, **errors(401, 403)},
                   tags=["platform"])
    def get(self, request):
        return Response(PlatformSerializer(self.platform).data)


class CampaignPagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class CampaignListView(PlatformAPIView):
    @extend_schema(
        summary="Campaigns running on this platform",
        parameters=[OpenApiParameter("status", enum=[s for s, _l in Campaign.Status.choices],
                                     description="Only campaigns in this status."),
                    OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="1-500")],
        responses={200: CampaignSerializer(many=True), **errors(400, 401, 403)}, tags=["campaigns"])
    def get(self, request):
        campaigns = (Campaign.objects.filter(platforms=self.platform).select_related("organization")
                     .prefetch_related("platforms").order_by("-filed_on", "-id"))
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Campaign.Status.values:
                return Response(error_body("invalid", _("status must be one of: %(v)s")
                                           % {"v": ", ".join(Campaign.Status.values)}, "status"), status=400)
            campaigns = campaigns.filter(status=wanted)
        paginator = CampaignPagination()
        page = paginator.paginate_queryset(campaigns, request, view=self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)


class CampaignDetailView(PlatformAPIView):
    @extend_schema(summary="One campaign running on this platform",
                   responses={200: CampaignSerializer, **errors(401, 403, 404)}, tags=["campaigns"])
    def get(self, request, filing_number):
        return Response(CampaignSerializer(self.platform_campaign(filing_number)).data)


class CampaignProgressView(PlatformAPIView):
    @extend_schema(summary="This platform's progress reports for a campaign",
                   responses={200: ProgressReportSerializer(many=True), **errors(401, 403, 404)},
                   tags=["progress"])
    def get(self, request, filing_number):
        campaign = self.platform_campaign(filing_number)
        reports = ProgressReport.objects.filter(campaign=campaign, platform=self.platform).select_related("campaign")
        return Response(ProgressReportSerializer(reports, many=True).data)

    @extend_schema(
        summary="Report a campaign's progress on this platform",
        description="Idempotent by `external_id`: a retry with the same body answers 200 with the first result "
                    "and writes nothing; the same id with a different body is rejected (409).",
        request=ProgressFields, examples=examples.SINGLE_PROGRESS,
        responses={201: ItemResultSerializer, 200: ItemResultSerializer, 409: ErrorSerializer,
                   **errors(400, 401, 403, 404, 413, 429)}, tags=["progress"])
    def post(self, request, filing_number):
        if not isinstance(request.data, dict):
            return Response(error_body("invalid", _("Send one JSON object.")), status=400)
        note_items(request, 1)
        outcome = report_progress(self.platform, [request.data], ProgressFields, filing_number=filing_number)
        result = outcome.results[0]
        if result["status"] == "accepted":
            return Response(result, status=status.HTTP_200_OK if outcome.replayed else status.HTTP_201_CREATED)
        error = result["error"]
        # Another platform's campaign answers exactly like a missing one.
        code = {"idempotency_conflict": 409, "campaign_not_found": 404}.get(error["code"], 400)
        return Response({"error": error}, status=code)


class ProgressBatchView(PlatformAPIView):
    @extend_schema(
        summary="Report progress for many campaigns at once (up to 1,000 items)",
        description="Each item is validated on its own and answered in `results` (same order). Accepted items "
                    "are written together in one transaction with their ledger entries; an item rejected does not "
                    "stop the others. Idempotent by `external_id`.",
        request=ProgressBatchSerializer, examples=examples.BATCH_PROGRESS,
        responses={200: BatchResultSerializer, **errors(400, 401, 403, 413, 429)}, tags=["progress"])
    def post(self, request):
        items = request.data.get("items") if isinstance(request.data, dict) else None
        if not isinstance(items, list):
            return Response(error_body("invalid", _("Send {\"items\": [ ... ]}."), "items"), status=400)
        note_items(request, len(items))
        try:
            outcome = report_progress(self.platform, items, ProgressItemSerializer)
        except BatchTooLarge as exc:
            return Response(error_body("batch_too_large", str(exc), "items", max_items=MAX_BATCH_ITEMS), status=400)
        return Response(outcome.summary())


class ProgressReportView(PlatformAPIView):
    @extend_schema(summary="One of this platform's progress reports, by your external_id",
                   responses={200: ProgressReportSerializer, **errors(401, 403, 404)}, tags=["progress"])
    def get(self, request, external_id):
        report = get_object_or_404(ProgressReport.objects.select_related("campaign"), platform=self.platform,
                                   external_id=external_id)
        return Response(ProgressReportSerializer(report).data)
