"""The platform API's OpenAPI document: complete, valid, with examples, served without a CDN."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db
PREFIX = "/api/platform/v1/"


@pytest.fixture
def schema(client):
    response = client.get(PREFIX + "schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_valid_openapi_and_lists_every_endpoint(schema):
    validate_schema(schema)
    assert set(schema["paths"]) == {PREFIX + p for p in [
        "me", "campaigns/", "campaigns/{filing_number}/", "campaigns/{filing_number}/progress/",
        "progress/batch/", "progress/{external_id}/",
        "donations/batch/", "donations/{external_id}/", "refunds/batch/", "corrections/",
        "disbursements/batch/", "disbursements/{external_id}/"]}


def test_every_operation_requires_the_platform_key(schema):
    assert schema["components"]["securitySchemes"]["platformKey"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"platformKey": []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_write_endpoints_carry_request_and_response_examples(schema):
    batch = schema["paths"][PREFIX + "progress/batch/"]["post"]
    request_examples = batch["requestBody"]["content"]["application/json"]["examples"]
    assert any(ex["value"]["items"] for ex in request_examples.values())
    answer = batch["responses"]["200"]["content"]["application/json"]["examples"]
    results = next(iter(answer.values()))["value"]["results"]
    assert {r["status"] for r in results} == {"accepted", "rejected"}
    single = schema["paths"][PREFIX + "campaigns/{filing_number}/progress/"]["post"]
    assert {"201", "200", "400", "409"} <= set(single["responses"])
    item = schema["components"]["schemas"]["ProgressItem"]
    assert {"external_id", "filing_number", "period_end", "raised_fen", "spent_fen"} <= set(item["required"])
    assert "external_id" in item["properties"] and item["properties"]["external_id"]["description"]


def test_docs_page_uses_local_assets(client):
    response = client.get(PREFIX + "docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html and "cdn." not in html
