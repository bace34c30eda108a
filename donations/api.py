"""Donation, refund, correction and disbursement endpoints of the platform docking API (/api/platform/v1/).

Thin: authentication, throttling, size limits, the key-use log and the
error shape come from fundraising.api; the work happens in donations.actions.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from fundraising.api.auth import note_items
from fundraising.api.errors import error_body
from fundraising.api.serializers import ErrorSerializer, ItemErrorSerializer
from fundraising.api.views import PlatformAPIView, errors
from fundraising.batch import MAX_BATCH_ITEMS, BatchTooLarge, ItemRejected

from . import actions
from .models import Disbursement, Donation
from .serializers import (
    CorrectionSerializer,
    DisbursementBatchSerializer,
    DonationBatchSerializer,
    RefundBatchSerializer,
)


class DonationResultSerializer(serializers.Serializer):
    receipt_no = serializers.CharField()
    verification_code = serializers.CharField(allow_null=True, help_text="Only in the answer that accepted it.")
    donor_commitment = serializers.CharField()
    receipt_url = serializers.CharField()


class RefundResultSerializer(serializers.Serializer):
    refund_id = serializers.IntegerField()
    receipt_no = serializers.CharField()
    receipt_url = serializers.CharField()


class CorrectionResultSerializer(serializers.Serializer):
    correction_id = serializers.IntegerField()
    receipt_no = serializers.CharField()
    receipt_url = serializers.CharField()


class DisbursementResultSerializer(serializers.Serializer):
    disbursement_id = serializers.IntegerField()
    filing_number = serializers.CharField()
    campaign_url = serializers.CharField()


def batch_result(prefix, result_serializer):
    """The per-item answer of a batch, typed with its own result (one OpenAPI component per kind)."""
    item = type(f"{prefix}ItemResultSerializer", (serializers.Serializer,), {
        "index": serializers.IntegerField(), "external_id": serializers.CharField(allow_null=True),
        "status": serializers.ChoiceField(choices=["accepted", "rejected"]),
        "result": result_serializer(required=False), "error": ItemErrorSerializer(required=False)})
    return type(f"{prefix}BatchResultSerializer", (serializers.Serializer,), {
        "accepted": serializers.IntegerField(), "rejected": serializers.IntegerField(),
        "replayed": serializers.IntegerField(help_text="Accepted earlier; answered again, nothing written."),
        "results": item(many=True)})


DonationBatchResult = batch_result("Donation", DonationResultSerializer)
RefundBatchResult = batch_result("Refund", RefundResultSerializer)
DisbursementBatchResult = batch_result("Disbursement", DisbursementResultSerializer)
FILING = "53100000500019111X26001"
DONATION_EXAMPLES = [
    OpenApiExample("Two donations", request_only=True, value={"items": [
        {"external_id": "ord-20261130-000001", "filing_number": FILING, "amount_fen": 5000,
         "donated_at": "2026-11-30T08:15:00Z", "channel": "wechat_pay", "anonymous": False,
         "donor_ref": "user-88412"},
        {"external_id": "ord-20261130-000002", "filing_number": FILING, "amount_fen": 0,
         "donated_at": "2026-11-30T08:16:00Z", "channel": "alipay", "donor_ref": "user-1203"},
    ]}),
    OpenApiExample("Per-item results", response_only=True, status_codes=["200"], value={
        "accepted": 1, "rejected": 1, "replayed": 0, "results": [
            {"index": 0, "external_id": "ord-20261130-000001", "status": "accepted",
             "result": {"receipt_no": "DK7M-9QXH-TBR2", "verification_code": "Q4ZK-7M2D-XW9H-C3PE",
                        "donor_commitment": "5f0c…", "receipt_url": "/receipts/?no=DK7M-9QXH-TBR2"}},
            {"index": 1, "external_id": "ord-20261130-000002", "status": "rejected",
             "error": {"code": "invalid", "field": "amount_fen", "message": "Ensure this value is greater than or "
                                                                            "equal to 1."}}]}),
]


def _batch(request, action):
    items = request.data.get("items") if isinstance(request.data, dict) else None
    if not isinstance(items, list):
        return Response(error_body("invalid", _("Send {\"items\": [ ... ]}."), "items"), status=400)
    note_items(request, len(items))
    try:
        outcome = action(request.user.platform, items)
    except BatchTooLarge as exc:
        return Response(error_body("batch_too_large", str(exc), "items", max_items=MAX_BATCH_ITEMS), status=400)
    return Response(outcome.summary())


class DonationBatchView(PlatformAPIView):
    @extend_schema(
        summary="Report donations (up to 1,000 per request)",
        description=(
            "Each item is checked on its own and answered in `results`, in request order. An accepted item's "
            "result carries the receipt number and the donor's verification code: pass both to the donor. The "
            "code is returned in this answer ONLY (we keep just its hash); a replay of the same external_id "
            "answers verification_code null. Rejections name a reason: campaign_not_found, campaign_not_active, "
            "charity_deregistered, charity_sanctioned, donated_in_future, donated_before_start, invalid, "
            "duplicate_in_batch, idempotency_conflict. A suspended or revoked platform is refused (403)."),
        request=DonationBatchSerializer, examples=DONATION_EXAMPLES,
        responses={200: DonationBatchResult, **errors(400, 401, 403, 413, 429)}, tags=["donations"])
    def post(self, request):
        return _batch(request, actions.record_donations)


class DonationSerializer(serializers.ModelSerializer):
    filing_number = serializers.CharField(source="campaign.filing_number")

    class Meta:
        model = Donation
        fields = ["receipt_no", "external_id", "filing_number", "amount_fen", "refunded_fen", "donated_at",
                  "channel", "anonymous", "donor_commitment", "recorded_at"]


class DonationDetailView(PlatformAPIView):
    @extend_schema(summary="One of this platform's donations, by your order id",
                   responses={200: DonationSerializer, **errors(401, 403, 404)}, tags=["donations"])
    def get(self, request, external_id):
        donation = get_object_or_404(Donation.objects.select_related("campaign"), platform=self.platform,
                                     external_id=external_id)
        return Response(DonationSerializer(donation).data)


class RefundBatchView(PlatformAPIView):
    @extend_schema(
        summary="Report refunds of donations (up to 1,000 per request)",
        description=("A refund is a new ledger entry (donation.refunded); the donation's own entry stays. "
                     "Reasons: donation_not_found, refund_exceeds_donation, refund_exceeds_funds (the campaign "
                     "has disbursed the money), invalid_date, personal_data."),
        request=RefundBatchSerializer,
        responses={200: RefundBatchResult, **errors(400, 401, 403, 413, 429)}, tags=["donations"])
    def post(self, request):
        return _batch(request, actions.record_refunds)


class CorrectionView(PlatformAPIView):
    @extend_schema(
        summary="Correct a donation's amount, time, channel or anonymous flag",
        description=("A new ledger entry (donation.corrected) with the corrected facts, the previous values and "
                     "the reason; nothing is edited in the ledger. Idempotent by external_id (200 on replay, 409 "
                     "for the same id with different content)."),
        request=CorrectionSerializer,
        responses={201: CorrectionResultSerializer, 200: CorrectionResultSerializer, 409: ErrorSerializer,
                   **errors(400, 401, 403, 404, 413, 429)}, tags=["donations"])
    def post(self, request):
        if not isinstance(request.data, dict):
            return Response(error_body("invalid", _("Send one JSON object.")), status=400)
        note_items(request, 1)
        try:
            result, replayed = actions.correct_donation(self.platform, request.data)
        except ItemRejected as exc:
            code = {"idempotency_conflict": 409, "donation_not_found": 404}.get(exc.code, 400)
            return Response(error_body(exc.code, exc.message, exc.field), status=code)
        return Response(result, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)


class DisbursementBatchView(PlatformAPIView):
    @extend_schema(
        summary="Report disbursements: how campaigns spent their money (up to 1,000 per request)",
        description=("Spending beyond what a campaign raised, net of refunds and earlier disbursements, is "
                     "refused (overspending). Recipients are organisations or projects by name; individuals only "
                     "as a count and at most a masked label."),
        request=DisbursementBatchSerializer,
        responses={200: DisbursementBatchResult, **errors(400, 401, 403, 413, 429)}, tags=["disbursements"])
    def post(self, request):
        return _batch(request, actions.record_disbursements)


class DisbursementSerializer(serializers.ModelSerializer):
    disbursement_id = serializers.IntegerField(source="pk")
    filing_number = serializers.CharField(source="campaign.filing_number")

    class Meta:
        model = Disbursement
        fields = ["disbursement_id", "external_id", "filing_number", "amount_fen", "disbursed_on", "purpose",
                  "recipient_type", "recipient_name", "recipient_uscc", "recipient_count", "evidence_sha256",
                  "recorded_at"]


class DisbursementDetailView(PlatformAPIView):
    @extend_schema(summary="One of this platform's disbursement reports, by your external_id",
                   responses={200: DisbursementSerializer, **errors(401, 403, 404)}, tags=["disbursements"])
    def get(self, request, external_id):
        row = get_object_or_404(Disbursement.objects.select_related("campaign"), platform=self.platform,
                                external_id=external_id)
        return Response(DisbursementSerializer(row).data)
