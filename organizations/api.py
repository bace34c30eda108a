"""Open data API: read-only, public, throttled (/api/organizations/).

The same search and filters as the page (organizations/search.py), with
cursor pagination so that walking a large result stays cheap at any depth.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import AnonRateThrottle

from . import regions, search
from .forms import SearchForm
from .models import AnnualReport, Disclosure, FieldOfService, Organization

ORDERINGS = {"uscc": ("uscc",), "name": ("name", "uscc")}


class AnnualReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualReport
        fields = ["year", "income_fen", "expenditure_fen", "net_assets_fen", "file_sha256", "file_size",
                  "published_at", "ledger_seq"]


class DisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disclosure
        fields = ["kind", "disclosed_on", "title", "text", "published_at", "ledger_seq"]


class OrganizationSerializer(serializers.ModelSerializer):
    region_name = serializers.SerializerMethodField()
    fields_of_service = serializers.ListField(child=serializers.ChoiceField(choices=FieldOfService.choices),
                                              read_only=True)
    url = serializers.SerializerMethodField()
    ledger_subject = serializers.CharField(source="subject", read_only=True)

    class Meta:
        model = Organization
        fields = ["uscc", "name", "name_en", "org_type", "status", "status_changed_on", "status_reason",
                  "registration_authority", "region_code", "region_name", "province_code", "city_code",
                  "recognized_on", "public_fundraising_qualified", "qualification_granted_on",
                  "qualification_revoked_on", "tax_deductible", "fields_of_service", "legal_representative",
                  "founded_on", "address", "website", "phone", "url", "ledger_subject"]

    def get_region_name(self, org) -> str:
        return regions.full_name(org.region_code)

    def get_url(self, org) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(org.get_absolute_url()) if request else org.get_absolute_url()


class OrganizationDetailSerializer(OrganizationSerializer):
    annual_reports = AnnualReportSerializer(many=True, read_only=True)
    disclosures = DisclosureSerializer(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "annual_reports", "disclosures"]


class SearchCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ORDERINGS["uscc"]

    def get_ordering(self, request, queryset, view):
        return ORDERINGS[view.ordering_key]


SEARCH_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Substring of the Chinese name, English name or credit code"),
    OpenApiParameter("province", OpenApiTypes.STR, description="Province code (GB/T 2260), e.g. 440000"),
    OpenApiParameter("city", OpenApiTypes.STR, description="City code within the province, e.g. 440300"),
    OpenApiParameter("type", OpenApiTypes.STR, enum=Organization.Type.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Organization.Status.values),
    OpenApiParameter("qualified", OpenApiTypes.STR, enum=["yes", "no"],
                     description="Holds the public fundraising qualification"),
    OpenApiParameter("tax_deductible", OpenApiTypes.STR, enum=["yes", "no"]),
    OpenApiParameter("field", OpenApiTypes.STR, enum=FieldOfService.values, description="Field of service"),
    OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(ORDERINGS), description="Default uscc"),
]


@extend_schema(parameters=SEARCH_PARAMETERS, summary="Search charities",
               description="Public registry data. Errors are 400 with the offending parameter named.")
class OrganizationList(generics.ListAPIView):
    serializer_class = OrganizationSerializer
    pagination_class = SearchCursorPagination
    throttle_classes = [AnonRateThrottle]

    def get_queryset(self):
        params = self.request.query_params
        form = SearchForm(params)
        errors = {} if form.is_valid() else form.errors.get_json_data()
        self.ordering_key = params.get("ordering") or "uscc"
        if self.ordering_key not in ORDERINGS:
            errors["ordering"] = [{"message": f"Choose one of: {', '.join(ORDERINGS)}.", "code": "invalid_choice"}]
        if errors:
            raise ValidationError({field: [e["message"] for e in errs] for field, errs in errors.items()})
        return search.search(form.cleaned_data).order_by().prefetch_related("service_fields")


@extend_schema(summary="One charity with its annual reports and disclosures")
class OrganizationDetail(generics.RetrieveAPIView):
    serializer_class = OrganizationDetailSerializer
    throttle_classes = [AnonRateThrottle]

    def get_object(self):
        return get_object_or_404(
            Organization.objects.prefetch_related("service_fields", "annual_reports", "disclosures"),
            uscc=self.kwargs["code"])
