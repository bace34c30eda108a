"""Small helpers for the platform API tests."""

import json

BASE = "/api/platform/v1/"


class PlatformClient:
    """Django's test client with a platform's API key on every request."""

    def __init__(self, client, plain):
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.auth)

    def post(self, path, body, **extra):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
        return self.client.post(BASE + path, data, content_type="application/json", **self.auth, **extra)


def progress_item(external_id, filing_number, period_end, raised_fen=100_00, spent_fen=0, **extra):
    item = {"external_id": external_id, "filing_number": filing_number, "period_end": period_end.isoformat(),
            "raised_fen": raised_fen, "spent_fen": spent_fen}
    item.update(extra)
    return item
