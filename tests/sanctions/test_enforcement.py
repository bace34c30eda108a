"""Joint punishment: the portal itself refuses listed parties, through sanctions.checks only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from fundraising.rules import RuleError
from sanctions import actions, checks
from sanctions.checks import Sanctioned, assert_allowed, flags_for_representative, refusals
from tests.factories import PERSON_ID, charity_code, impose, issue_key, make_campaign, make_charity, make_platform

pytestmark = pytest.mark.django_db

PUNITIVE = ["file_campaign", "receive_donation", "use_api", "apply_platform"]


@pytest.mark.parametrize("list_kind", ["abnormal", "serious"])
@pytest.mark.parametrize("action", PUNITIVE)
def test_punitive_lists_forbid(list_kind, action):
    d = impose(list_kind=list_kind)
    with pytest.raises(Sanctioned) as exc:
        assert_allowed(d.subject, action)
    assert exc.value.decision == d and exc.value.code == "sanctioned"
    assert d.decision_no in str(exc.value) and d.public_id in exc.value.message


@pytest.mark.parametrize("action", PUNITIVE + ["register_representative"])
def test_red_list_forbids_nothing(action):
    d = impose(list_kind="red", ground="honour")
    assert_allowed(d.subject, action)
    assert checks.flags(d.subject, action) == []


def test_flag_only_action_never_raises_but_warns():
    d = impose()
    assert_allowed(d.subject, "register_representative")
    [flag] = checks.flags(d.subject, "register_representative")
    assert flag.decision == d and d.decision_no in str(flag)


def test_dotted_aliases_and_unknown_actions():
    d = impose()
    with pytest.raises(Sanctioned):
        assert_allowed(d.subject, "campaign.file")
    with pytest.raises(LookupError):  # a programming error, not a refusal
        assert_allowed(d.subject, "fly_to_the_moon")
    assert_allowed("organization/not-a-code", "file_campaign")  # a malformed subject is on no list


def test_not_yet_effective_removed_and_expired_listings_do_not_count():
    today = timezone.localdate()
    later = impose(effective_on=today + timedelta(days=1))
    assert_allowed(later.subject, "file_campaign")
    removed = impose()
    actions.remove("staff/officer", removed, reason="rectified", note="已整改")
    assert_allowed(removed.subject, "file_campaign")
    lapsed = impose(effective_on=today - timedelta(days=30), expires_on=today)
    assert_allowed(lapsed.subject, "file_campaign")


def test_message_is_translated():
    d = impose()
    with translation.override("zh-hans"):
        zh = Sanctioned(d, "file_campaign").message
    with translation.override("en"):
        en = Sanctioned(d, "file_campaign").message
    assert "活动异常名录" in zh and d.decision_no in zh
    assert "abnormal-activity list" in en.lower() and d.decision_no in en


def test_a_batch_is_checked_in_one_query(django_assert_num_queries):
    listed = [impose() for _ in range(3)]
    subjects = [d.subject for d in listed] + [f"organization/{charity_code()}" for _ in range(50)]
    with django_assert_num_queries(1):
        refused = refusals(subjects, "receive_donation")
    assert set(refused) == {d.subject for d in listed}


# The call sites in the other apps ---------------------------------------------------------

def test_listed_charity_cannot_file_a_campaign():
    org = make_charity()
    platform = make_platform("sanc-file")
    d = impose(code=org.uscc, subject_name=org.name)
    with pytest.raises(RuleError) as exc:
        make_campaign(org, [platform])
    assert exc.value.code == "sanctioned" and d.decision_no in str(exc.value.message)
    actions.remove("staff/officer", d, reason="rectified", note="已整改")
    assert make_campaign(org, [platform]).organization == org


def test_listed_charity_receives_no_donations():
    from donations.actions import record_donations

    platform = make_platform("sanc-don")
    org = make_charity()
    campaign = make_campaign(org, [platform], starts_in_days=0)
    item = {"external_id": "order-1", "filing_number": campaign.filing_number, "amount_fen": 10_000,
            "donated_at": timezone.now().isoformat(), "channel": "wechat_pay", "donor_ref": "u-1"}
    d = impose(code=org.uscc, subject_name=org.name, list_kind="serious", ground="donation_fraud")
    outcome = record_donations(platform, [item])
    [result] = outcome.results
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == "charity_sanctioned"
    assert d.decision_no in result["error"]["message"]
    actions.remove("staff/officer", d, reason="overturned", note="复议撤销")
    assert record_donations(platform, [item]).results[0]["status"] == "accepted"


def test_listed_platform_api_key_stops():
    platform = make_platform("sanc-api")
    _, plain = issue_key(platform)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get("/api/platform/v1/me").status_code == 200
    d = impose(subject_type="platform", code=platform.code, subject_name=platform.name)
    response = client.get("/api/platform/v1/me")
    assert response.status_code == 403
    assert d.decision_no in response.content.decode()
    actions.remove("staff/officer", d, reason="rectified", note="已整改")
    assert client.get("/api/platform/v1/me").status_code == 200


def test_listed_operator_cannot_apply_for_a_platform():
    from fundraising.actions.platforms import apply_platform
    from tests.factories import _reviewer, platform_fields

    fields = platform_fields("sanc-apply")
    impose(code=fields["operator_uscc"], list_kind="serious", ground="dishonest_debtor")
    with pytest.raises(RuleError) as exc:
        apply_platform(_reviewer("rev-sanc"), **fields)
    assert exc.value.code == "sanctioned"


def test_listed_person_as_legal_representative_is_flagged():
    d = impose(subject_type="person", list_kind="serious", ground="responsible_person", subject_name="王某")
    by_id = flags_for_representative("王某", PERSON_ID.lower())
    assert [(f.decision, f.match) for f in by_id] == [(d, "id_number")]
    assert "1101**********002X" in str(by_id[0]) and PERSON_ID not in str(by_id[0])
    by_name = flags_for_representative("王某")
    assert [(f.decision, f.match) for f in by_name] == [(d, "name")]
    assert flags_for_representative("李某", "440305199003071535") == []
    [invalid] = flags_for_representative("李某", "440305199003071536")
    assert invalid.match == "invalid_id" and invalid.decision is None
