"""Every change to a charity, each in one transaction with exactly one ledger entry.

`actor` is the ledger actor: `staff/<username>`, `platform/<code>` or `system`.
Bad input raises django.core.exceptions.ValidationError naming the field;
nothing is written then. Kinds and their `data` are listed in docs/ledger-kinds.md.
"""

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import ledger

from . import bulk
from .models import AnnualReport, Correction, Disclosure, FieldOfService, Organization, ServiceField

# What update_organization may change; status and qualification have their own verbs.
EDITABLE_FIELDS = ("name", "name_en", "org_type", "registration_authority", "region_code", "recognized_on",
                   "tax_deductible", "legal_representative", "founded_on", "address", "website", "phone")
MAX_REPORT_BYTES = 20 * 1024 * 1024
MAX_MONEY_FEN = 2**53 - 1
FIELD_CODES = tuple(FieldOfService.values)


def register_organization(actor, *, fields_of_service=(), **fields) -> Organization:
    """Register a charity (organization.registered)."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"uscc"}
    if unknown:
        raise TypeError(f"register_organization() got unexpected fields {sorted(unknown)}")
    org = Organization(**fields)
    org._fields_of_service = _clean_fields_of_service(fields_of_service)
    _validate(org)
    with transaction.atomic():
        org.save()
        ServiceField.objects.bulk_create(ServiceField(organization=org, field=f) for f in org._fields_of_service)
        ledger.append("organization.registered", org.subject, actor, org.public_state())
    return org


def register_organizations_bulk(actor, rows, batch_size=2000):
    """Register many charities: one transaction and one ledger head lock per batch.

    `rows` is an iterable of dicts as register_organization takes them.
    Returns the number registered. Used by seed_demo for large data sets.
    """
    total = 0
    batch = []
    for row in rows:
        row = dict(row)
        org = Organization(**{k: v for k, v in row.items() if k != "fields_of_service"})
        org._fields_of_service = _clean_fields_of_service(row.get("fields_of_service", ()))
        org.derive()
        _validate(org, unique=False)
        batch.append(org)
        if len(batch) >= batch_size:
            total += _register_batch(actor, batch)
            batch = []
    if batch:
        total += _register_batch(actor, batch)
    return total


def _register_batch(actor, orgs):
    codes = [o.uscc for o in orgs]
    taken = set(Organization.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    if taken or len(set(codes)) < len(codes):
        duplicate = sorted(taken)[0] if taken else next(c for c in codes if codes.count(c) > 1)
        raise ValidationError({"uscc": _("The credit code %(code)s is registered already.") % {"code": duplicate}})
    with transaction.atomic():
        # The unique constraint on uscc still guards against a concurrent registration.
        bulk.insert_organizations(orgs)
        ledger.append_many([("organization.registered", o.subject, actor, o.public_state()) for o in orgs])
    return len(orgs)


def update_organization(actor, org, *, fields_of_service=None, **changes) -> Organization:
    """Change registry facts other than status and qualification (organization.updated)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_organization() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        org = _locked(org)
        before = org.public_state()
        for name, value in changes.items():
            setattr(org, name, value)
        if fields_of_service is not None:
            org._fields_of_service = _clean_fields_of_service(fields_of_service)
        _validate(org)
        if org.public_state() == before:
            raise ValidationError(_("Nothing was changed."), code="no_change")
        org.save()
        if fields_of_service is not None:
            org.service_fields.all().delete()
            ServiceField.objects.bulk_create(ServiceField(organization=org, field=f) for f in org._fields_of_service)
        ledger.append("organization.updated", org.subject, actor, org.public_state())
    return org


def change_status(actor, org, *, status, effective_on, reason) -> Organization:
    """Deregister, revoke or reinstate (organization.status_changed).

    A charity that stops being active loses its public fundraising
    qualification on the same date, recorded in the same entry.
    """
    errors = {}
    if status not in Organization.Status.values:
        errors["status"] = _("Choose a valid status.")
    if not isinstance(effective_on, date):
        errors["effective_on"] = _("Enter the date the status takes effect.")
    elif effective_on > timezone.localdate():
        errors["effective_on"] = _("The date may not be in the future.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the change.")
    elif len(reason) > 500:
        errors["reason"] = _("At most 500 characters.")
    with transaction.atomic():
        org = _locked(org)
        if not errors and status == org.status:
            errors["status"] = _("The charity already has this status.")
        if errors:
            raise ValidationError(errors)
        org.status = status
        org.status_changed_on = effective_on
        org.status_reason = reason.strip()
        if status != Organization.Status.ACTIVE and org.public_fundraising_qualified:
            org.public_fundraising_qualified = False
            org.qualification_revoked_on = effective_on
        org.save()
        ledger.append("organization.status_changed", org.subject, actor, org.public_state())
    return org


def grant_qualification(actor, org, *, granted_on) -> Organization:
    """Grant the public fundraising qualification (organization.qualification_granted)."""
    with transaction.atomic():
        org = _locked(org)
        if org.status != Organization.Status.ACTIVE:
            raise ValidationError(_("Only an active charity can hold the public fundraising qualification."),
                                  code="not_active")
        if org.public_fundraising_qualified:
            raise ValidationError(_("The charity already holds the public fundraising qualification."),
                                  code="already_qualified")
        if org.recognized_on is None:
            raise ValidationError({"recognized_on": _("The organisation has not been recognised as a charity.")})
        _check_date("granted_on", granted_on, not_before=org.recognized_on)
        org.public_fundraising_qualified = True
        org.qualification_granted_on = granted_on
        org.qualification_revoked_on = None
        org.save()
        ledger.append("organization.qualification_granted", org.subject, actor, org.public_state())
    return org


def revoke_qualification(actor, org, *, revoked_on) -> Organization:
    """Revoke the public fundraising qualification (organization.qualification_revoked)."""
    with transaction.atomic():
        org = _locked(org)
        if not org.public_fundraising_qualified:
            raise ValidationError(_("The charity does not hold the public fundraising qualification."),
                                  code="not_qualified")
        _check_date("revoked_on", revoked_on, not_before=org.qualification_granted_on)
        org.public_fundraising_qualified = False
        org.qualification_revoked_on = revoked_on
        org.save()
        ledger.append("organization.qualification_revoked", org.subject, actor, org.public_state())
    return org


def publish_annual_report(actor, org, *, year, income_fen, expenditure_fen, net_assets_fen, file) -> AnnualReport:
    """Publish a year's report (organization.disclosure_published, disclosure "annual_report").

    The PDF is stored outside the ledger; the entry carries its SHA-256.
    """
    errors = {}
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 1949 <= year <= this_year:
        errors["year"] = _("Enter a year between 1949 and %(year)s.") % {"year": this_year}
    for name, value, minimum in (("income_fen", income_fen, 0), ("expenditure_fen", expenditure_fen, 0),
                                 ("net_assets_fen", net_assets_fen, -MAX_MONEY_FEN)):
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_MONEY_FEN:
            errors[name] = _("Enter an amount in yuan within range.")
    content = _read_pdf(file, errors)
    if errors:
        raise ValidationError(errors)
    sha256 = hashlib.sha256(content).hexdigest()
    stored = default_storage.save(f"annual-reports/{org.uscc}/{year}-{sha256[:16]}.pdf", ContentFile(content))
    try:
        with transaction.atomic():
            org = _locked(org)
            data = {"uscc": org.uscc, "disclosure": "annual_report", "year": year, "income_fen": income_fen,
                    "expenditure_fen": expenditure_fen, "net_assets_fen": net_assets_fen,
                    "file_sha256": sha256, "file_size": len(content)}
            entry = ledger.append("organization.disclosure_published", org.subject, actor, data)
            return AnnualReport.objects.create(
                organization=org, year=year, income_fen=income_fen, expenditure_fen=expenditure_fen,
                net_assets_fen=net_assets_fen, file=stored, file_name=stored.rsplit("/", 1)[-1],
                file_size=len(content), file_sha256=sha256, published_at=timezone.now(), ledger_seq=entry.seq)
    except BaseException:
        default_storage.delete(stored)
        raise


def publish_disclosure(actor, org, *, kind, disclosed_on, title, text) -> Disclosure:
    """Publish another disclosure (organization.disclosure_published)."""
    disclosure = Disclosure(organization=org, kind=kind, disclosed_on=disclosed_on, title=(title or "").strip(),
                            text=(text or "").strip(), published_at=timezone.now(), ledger_seq=0)
    disclosure.full_clean(exclude=["organization", "ledger_seq"])
    if len(disclosure.text) > 10000:
        raise ValidationError({"text": _("At most 10,000 characters.")})
    if disclosed_on > timezone.localdate():
        raise ValidationError({"disclosed_on": _("The date may not be in the future.")})
    with transaction.atomic():
        org = _locked(org)
        data = {"uscc": org.uscc, "disclosure": kind, "disclosed_on": disclosed_on.isoformat(),
                "title": disclosure.title, "text": disclosure.text}
        disclosure.organization = org
        disclosure.ledger_seq = ledger.append("organization.disclosure_published", org.subject, actor, data).seq
        disclosure.save()
    return disclosure


def publish_correction(actor, org, *, corrects_seq, note) -> Correction:
    """Publish a note correcting an earlier entry of this charity (organization.correction_published).

    The corrected entry is never changed: the ledger is append-only.
    """
    from ledger.models import Entry

    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("Write the correction.")
    elif len(note) > 2000:
        errors["note"] = _("At most 2,000 characters.")
    if not isinstance(corrects_seq, int) or not Entry.objects.filter(seq=corrects_seq, subject=org.subject).exists():
        errors["corrects_seq"] = _("Choose an entry in this charity's own history.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        org = _locked(org)
        data = {"uscc": org.uscc, "corrects_seq": corrects_seq, "note": note}
        entry = ledger.append("organization.correction_published", org.subject, actor, data)
        return Correction.objects.create(organization=org, corrects_seq=corrects_seq, note=note,
                                         published_at=timezone.now(), ledger_seq=entry.seq)


# Helpers -----------------------------------------------------------------------


def _locked(org):
    """The current row, locked until commit, so concurrent edits do not overwrite each other."""
    return Organization.objects.select_for_update().get(pk=org.pk)


def _clean_fields_of_service(values):
    values = list(values or ())
    bad = [v for v in values if v not in FIELD_CODES]
    if bad:
        raise ValidationError({"fields_of_service": _("Unknown field of service: %(value)s") % {"value": bad[0]}})
    return [c for c in FIELD_CODES if c in values]


def _validate(org, unique=True):
    org.full_clean(validate_unique=unique)
    errors = {}
    code = org.uscc
    if code[0] != "5":
        errors["uscc"] = _("A charity's credit code begins with 5 (registered by the civil affairs authority).")
    elif code[1] != {"social_group": "1", "social_service": "2", "foundation": "3"}[org.org_type]:
        errors["org_type"] = _("The type does not match the credit code (second character: 1 social group, "
                               "2 social service organisation, 3 foundation).")
    if org.founded_on and org.founded_on > timezone.localdate():
        errors["founded_on"] = _("The date may not be in the future.")
    if org.recognized_on:
        if org.recognized_on > timezone.localdate():
            errors["recognized_on"] = _("The date may not be in the future.")
        elif org.founded_on and org.recognized_on < org.founded_on:
            errors["recognized_on"] = _("A charity cannot be recognised before it was founded.")
    if errors:
        raise ValidationError(errors)


def _check_date(field, value, not_before=None):
    if not isinstance(value, date):
        raise ValidationError({field: _("Enter a date.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date may not be in the future.")})
    if not_before and value < not_before:
        raise ValidationError({field: _("The date may not be before %(date)s.") % {"date": not_before.isoformat()}})


def _read_pdf(file, errors):
    if file is None:
        errors["file"] = _("Attach the report as a PDF file.")
        return b""
    if getattr(file, "size", 0) > MAX_REPORT_BYTES:
        errors["file"] = _("The file is larger than 20 MB.")
        return b""
    file.seek(0)
    content = file.read(MAX_REPORT_BYTES + 1)
    if len(content) > MAX_REPORT_BYTES:
        errors["file"] = _("The file is larger than 20 MB.")
    elif not content.startswith(b"%PDF-"):
        errors["file"] = _("The file is not a PDF document.")
    return content
