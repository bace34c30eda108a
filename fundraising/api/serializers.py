"""Shapes of the platform API's requests and answers (also what the OpenAPI schema shows)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..actions.campaigns import MAX_TARGET_FEN
from ..batch import MAX_BATCH_ITEMS
from ..models import Campaign, Platform


class PlatformSerializer(serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = ["code", "name", "operator_name", "operator_uscc", "site_url", "status", "batch", "designated_on"]


class CampaignSerializer(serializers.ModelSerializer):
    organization_uscc = serializers.CharField(source="organization.uscc")
    organization_name = serializers.CharField(source="organization.name")
    platforms = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["filing_number", "title", "purpose", "organization_uscc", "organization_name", "target_fen",
                  "starts_on", "ends_on", "region_code", "status", "filed_on", "late_filing", "platforms", "url"]

    def get_platforms(self, campaign) -> list[str]:
        return sorted(p.code for p in campaign.platforms.all())

    def get_url(self, campaign) -> str:
        return campaign.get_absolute_url()


class ProgressFields(serializers.Serializer):
    external_id = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", max_length=64,
        help_text=_("Your own id for this report (1-64 of A-Z a-z 0-9 . _ : -). Sending the same id again "
                    "returns the first answer and writes nothing."))
    period_end = serializers.DateField(help_text=_("The last day the figures cover (YYYY-MM-DD)."))
    raised_fen = serializers.IntegerField(min_value=0, max_value=MAX_TARGET_FEN,
                                          help_text=_("Raised on your platform up to period_end, in fen."))
    spent_fen = serializers.IntegerField(min_value=0, max_value=MAX_TARGET_FEN,
                                         help_text=_("Spent (disbursed) up to period_end, in fen."))
    donations_count = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ProgressItemSerializer(ProgressFields):
    filing_number = serializers.RegexField(r"^[0-9A-Z]{1,24}$", max_length=24,
                                           help_text=_("The campaign's filing number."))


class ProgressBatchSerializer(serializers.Serializer):
    """The batch request as documented; each item is validated on its own by fundraising.batch."""

    items = ProgressItemSerializer(many=True, max_length=MAX_BATCH_ITEMS,
                                   help_text=_("Up to 1,000 progress reports, answered one by one."))


class ItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ProgressResultSerializer(serializers.Serializer):
    report_id = serializers.IntegerField()
    filing_number = serializers.CharField()
    campaign_url = serializers.CharField()


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text='"accepted" (see `result`) or "rejected" (see `error`).')
    result = ProgressResultSerializer(required=False)
    error = ItemErrorSerializer(required=False)


class BatchResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    replayed = serializers.IntegerField(help_text=_("Accepted earlier; answered again, nothing written."))
    results = ItemResultSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = ItemErrorSerializer()


class ProgressReportSerializer(serializers.Serializer):
    report_id = serializers.IntegerField(source="pk")
    external_id = serializers.CharField()
    filing_number = serializers.CharField(source="campaign.filing_number")
    period_end = serializers.DateField()
    raised_fen = serializers.IntegerField()
    spent_fen = serializers.IntegerField()
    donations_count = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    reported_at = serializers.DateTimeField()
