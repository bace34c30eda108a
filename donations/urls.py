from django.urls import include, path, re_path

from . import api, views

# Under /api/platform/v1/, next to fundraising's endpoints (included before them in charity_portal/urls.py,
# whose platform API answers unknown paths with a JSON 404).
api_urlpatterns = [
    path("donations/batch/", api.DonationBatchView.as_view(), name="donation-batch"),
    path("donations/<str:external_id>/", api.DonationDetailView.as_view(), name="donation"),
    path("refunds/batch/", api.RefundBatchView.as_view(), name="refund-batch"),
    path("corrections/", api.CorrectionView.as_view(), name="correction"),
    path("disbursements/batch/", api.DisbursementBatchView.as_view(), name="disbursement-batch"),
    path("disbursements/<str:external_id>/", api.DisbursementDetailView.as_view(), name="disbursement"),
]

urlpatterns = [
    path("receipts/", views.receipt_lookup, name="receipt-lookup"),
    # LEDGER_SPEC §5: receipt numbers use only A-Z, 0-9 and '-'.
    re_path(r"^receipts/(?P<receipt_no>[A-Z0-9-]{1,20})\.tlog-proof$", views.receipt_proof, name="receipt-proof"),
    path("api/platform/v1/", include((api_urlpatterns, "platform-api-donations"))),
]
