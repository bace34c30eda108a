"""Request and answer examples for the OpenAPI schema, so a platform can integrate from the schema alone."""

from drf_spectacular.utils import OpenApiExample

FILING = "53100000500019111X26001"

SINGLE_PROGRESS = [
    OpenApiExample(
        "Report progress", request_only=True,
        value={"external_id": "rpt-2026-11-30-0001", "period_end": "2026-11-30", "raised_fen": 12345600,
               "spent_fen": 4000000, "donations_count": 5321, "summary": "11月善款已拨付第一批受助学校"}),
    OpenApiExample(
        "Accepted", response_only=True, status_codes=["201", "200"],
        value={"index": 0, "external_id": "rpt-2026-11-30-0001", "status": "accepted",
               "result": {"report_id": 1042, "filing_number": FILING, "campaign_url": f"/campaigns/{FILING}/"}}),
    OpenApiExample(
        "Rejected", response_only=True, status_codes=["400"],
        value={"error": {"code": "invalid_date", "field": "period_end",
                         "message": "period_end must lie between the campaign's start and today."}}),
]

BATCH_PROGRESS = [
    OpenApiExample(
        "Two reports", request_only=True,
        value={"items": [
            {"external_id": "rpt-0001", "filing_number": FILING, "period_end": "2026-11-30",
             "raised_fen": 12345600, "spent_fen": 4000000, "donations_count": 5321, "summary": ""},
            {"external_id": "rpt-0002", "filing_number": "NOT-ON-THIS-PLATFORM", "period_end": "2026-11-30",
             "raised_fen": 100, "spent_fen": 0},
        ]}),
    OpenApiExample(
        "Per-item results", response_only=True, status_codes=["200"],
        value={"accepted": 1, "rejected": 1, "replayed": 0, "results": [
            {"index": 0, "external_id": "rpt-0001", "status": "accepted",
             "result": {"report_id": 1043, "filing_number": FILING, "campaign_url": f"/campaigns/{FILING}/"}},
            {"index": 1, "external_id": "rpt-0002", "status": "rejected",
             "error": {"code": "invalid", "field": "filing_number",
                       "message": "This value does not match the required pattern."}},
        ]}),
    OpenApiExample(
        "Too many items", response_only=True, status_codes=["400"],
        value={"error": {"code": "batch_too_large", "field": "items", "message": "At most 1000 items per request.",
                         "max_items": 1000}}),
]
