"""Open data: /api/sanctions/ (the lists, filtered as on the public page) and /api/sanctions/<id>."""

from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from . import queries
from .models import Decision
from .views import STATES, _filters


class DecisionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    list = serializers.CharField(source="list_kind")
    party = serializers.CharField(source="subject")
    party_type = serializers.CharField(source="subject_type")
    party_name = serializers.CharField(source="subject_name")
    party_code = serializers.CharField(source="subject_code", help_text="credit code, platform code or masked ID")
    in_force = serializers.SerializerMethodField()
    escalated_from = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    ledger_subject = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Decision
        fields = ["id", "list", "ground", "party", "party_type", "party_name", "party_code", "decision_no",
                  "authority", "legal_basis", "facts", "effective_on", "expires_on", "removal_conditions", "status",
                  "in_force", "ended_on", "end_reason", "end_note", "escalated_from", "ledger_subject", "url"]

    def get_in_force(self, obj) -> bool:
        return obj.in_force_on(timezone.localdate())


class Pagination(PageNumberPagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"


class DecisionList(generics.ListAPIView):
    serializer_class = DecisionSerializer
    pagination_class = Pagination

    def list(self, request, *args, **kwargs):
        values, errors = _filters(request)
        if errors:
            param, message = next(iter(errors.items()))
            return Response({"error": message, "param": param}, status=400)
        try:
            self.queryset = queries.search(values["q"], values["list"], values["type"], STATES[values["state"]])
        except ImproperlyConfigured as exc:
            return Response({"error": str(exc), "param": "q"}, status=400)
        self.queryset = self.queryset.select_related("escalated_from")
        return super().list(request, *args, **kwargs)


class DecisionDetail(generics.RetrieveAPIView):
    serializer_class = DecisionSerializer

    def get_object(self):
        return get_object_or_404(Decision.objects.select_related("escalated_from"), public_id=self.kwargs["public_id"])
