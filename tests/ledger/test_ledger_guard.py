"""Every domain model is guarded by tests/ledger_guard.py or exempt for a reason,
and the guard does catch a change committed without its entry."""

from datetime import date

import pytest
from django.apps import apps
from django.db import transaction

from tests import ledger_guard

pytestmark = pytest.mark.django_db

# A function compiled under a file name outside tests/, so the guard treats its
# writes as the portal's own write path.
_APP_CODE = '''
def register(with_entry):
    from django.db import transaction
    import ledger
    from organizations.models import Organization
    with transaction.atomic():
        org = Organization.objects.create(uscc="91350100M000100Y43", name="守卫测试基金会",
                                          org_type="foundation", registration_authority="民政部",
                                          region_code="110000", founded_on=DATE)
        if with_entry:
            ledger.append("organization.registered", org.subject, "system", {"uscc": org.uscc})

def rename_without_transaction():
    from organizations.models import Organization
    Organization.objects.update(name="改名")
'''
_namespace = {"DATE": date(2001, 1, 1)}
exec(compile(_APP_CODE, "/portal/organizations/fake_actions.py", "exec"), _namespace)


def test_every_domain_model_is_guarded_or_exempt_with_a_reason():
    guarded = ledger_guard.guarded_tables()
    seen = 0
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in ledger_guard.DOMAIN_APPS:
            continue
        seen += 1
        reason = getattr(model, "ledger_exempt", None)
        if reason is None:
            assert model._meta.db_table in guarded
        else:
            assert isinstance(reason, str) and len(reason) > 10, f"{model.__name__}: say why it is exempt"
    assert seen >= 1 and "organizations_organization" in guarded


@pytest.mark.ledger_guard_off
def test_guard_catches_a_change_without_its_entry():
    with ledger_guard.watching() as guard:
        _namespace["register"](with_entry=False)
    assert guard.violations and "organizations_organization" in guard.violations[0]


@pytest.mark.ledger_guard_off
def test_guard_passes_a_change_with_its_entry():
    with ledger_guard.watching() as guard:
        _namespace["register"](with_entry=True)
    assert guard.violations == []


@pytest.mark.ledger_guard_off
def test_guard_ignores_a_rolled_back_change():
    with ledger_guard.watching() as guard:
        with pytest.raises(RuntimeError), transaction.atomic():
            _namespace["register"](with_entry=False)
            raise RuntimeError("rolled back")
    assert guard.violations == []


@pytest.mark.ledger_guard_off
@pytest.mark.django_db(transaction=True)
def test_guard_catches_a_write_outside_any_transaction():
    with ledger_guard.watching() as guard:
        _namespace["rename_without_transaction"]()
    assert guard.violations and "outside any transaction" in guard.violations[0]
