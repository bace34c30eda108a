"""Platform API keys: issued once, stored hashed, rotated, revoked; a suspended platform's keys stop at once."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fundraising.actions import keys as key_actions
from fundraising.actions import platforms as platform_actions
from fundraising.models import ApiKey, KeyUse, Recommendation
from fundraising.rules import RuleError
from ledger.models import Entry
from tests.factories import issue_key, list_as_abnormal, make_platform, make_staff

pytestmark = pytest.mark.django_db
ME = "/api/platform/v1/me"


def get(client, plain, path=ME):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {plain}")


@pytest.fixture
def platform():
    return make_platform("keyplat")


@pytest.fixture
def admin():
    return make_staff("keyadmin", "ministry_reviewer")


def test_issued_key_is_shown_once_and_stored_hashed(client, platform, admin):
    key, plain = key_actions.issue_api_key(admin, platform, "生产环境")
    assert plain.startswith(f"cck_{key.prefix}_") and len(plain) > 40
    stored = ApiKey.objects.values().get(pk=key.pk)
    assert stored["key_hash"] == hashlib.sha256(plain.encode()).hexdigest()
    secret = plain.split("_", 2)[2]
    assert not any(secret in str(value) for value in stored.values())
    entry = Entry.objects.filter(subject=platform.subject, kind="platform.key_issued").get()
    assert secret not in entry.leaf and entry.actor == "staff/keyadmin"
    assert json.loads(entry.leaf)["data"]["key"]["prefix"] == key.prefix

    response = get(client, plain)
    assert response.status_code == 200 and response.json()["code"] == "keyplat"


def test_every_use_is_logged(client, platform):
    key, plain = issue_key(platform)
    get(client, plain)
    get(client, plain, "/api/platform/v1/campaigns/")
    uses = list(KeyUse.objects.filter(key=key).order_by("at").values_list("method", "path", "status_code"))
    assert uses == [("GET", ME, 200), ("GET", "/api/platform/v1/campaigns/", 200)]


def test_rotation_keeps_both_keys_working_until_the_old_one_is_revoked(client, platform, admin):
    old, old_plain = key_actions.issue_api_key(admin, platform, "2025")
    new, new_plain = key_actions.issue_api_key(admin, platform, "2026")
    assert get(client, old_plain).status_code == 200 and get(client, new_plain).status_code == 200
    key_actions.revoke_api_key(admin, old, "轮换密钥")
    refused = get(client, old_plain)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert get(client, new_plain).status_code == 200
    revoked = Entry.objects.filter(subject=platform.subject, kind="platform.key_revoked").get()
    assert json.loads(revoked.leaf)["data"]["key"]["prefix"] == old.prefix
    assert KeyUse.objects.filter(key=old, status_code=401).count() == 1
    with pytest.raises(RuleError):
        key_actions.revoke_api_key(admin, old, "再次吊销")


def test_at_most_five_active_keys(platform, admin):
    for i in range(5):
        key_actions.issue_api_key(admin, platform, f"k{i}")
    with pytest.raises(RuleError) as exc:
        key_actions.issue_api_key(admin, platform, "k5")
    assert exc.value.code == "too_many_keys"


def test_keys_only_for_designated_platforms(admin):
    pending = make_platform("pendingplat", status="notice")
    with pytest.raises(RuleError) as exc:
        key_actions.issue_api_key(admin, pending, "")
    assert exc.value.code == "wrong_status"
    clerk = make_staff("clerk-k", "registry_clerk")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        key_actions.issue_api_key(clerk, make_platform("otherplat"), "")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer cck_abc", "Token cck_12345678_x", "Bearer a b",
                                    "Bearer cck_12345678_wrongsecret", "Bearer cck_1234567_" + "x" * 40,
                                    "Bearer 密钥"])
def test_bad_credentials_get_a_json_401(client, platform, header):
    issue_key(platform)
    response = client.get(ME, HTTP_AUTHORIZATION=header) if header else client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_for_a_real_prefix_is_refused_and_not_counted_as_a_use(client, platform):
    key, plain = issue_key(platform)
    forged = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")
    assert get(client, forged).status_code == 401
    assert not KeyUse.objects.filter(key=key).exists()


def test_suspended_platform_keys_stop_at_once_and_work_again_after_reinstatement(client, platform):
    supervisor = make_staff("supervisor", "ministry_reviewer")
    _key, plain = issue_key(platform)
    assert get(client, plain).status_code == 200
    platform_actions.suspend(supervisor, platform, timezone.localdate() + timedelta(days=10), "暂停整顿")
    refused = get(client, plain)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "platform_not_designated"
    assert "keyplat" in refused.json()["error"]["message"]
    platform_actions.reinstate(supervisor, platform, "恢复")
    assert get(client, plain).status_code == 200


def test_revoked_platform_keys_stop(client, platform):
    a, b = make_staff("ra", "ministry_reviewer"), make_staff("rb", "ministry_reviewer")
    _key, plain = issue_key(platform)
    rec = platform_actions.recommend(a, platform, Recommendation.Outcome.REVOKE, "严重违规")
    platform_actions.decide(b, rec, True, "撤销")
    assert get(client, plain).status_code == 403


def test_platform_on_a_credit_list_is_refused(client, platform):
    _key, plain = issue_key(platform)
    list_as_abnormal("platform", platform.code, platform.name)
    refused = get(client, plain)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "sanctioned"
