"""Charities (慈善组织) and what they disclose.

Rows here change only through organizations.actions, each change with its
ledger entry; disclosures and corrections are never edited once published.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import normalize, regions, uscc


def validate_uscc(value):
    if not uscc.is_valid(value):
        raise ValidationError(
            _("Not a valid unified social credit code (18 characters with a correct check character)."),
            code="invalid_uscc")


def validate_region_code(value):
    if not regions.is_valid(value):
        raise ValidationError(_("Not a known administrative division code (GB/T 2260, 6 digits)."),
                              code="invalid_region")


def validate_no_cjk(value):
    if normalize.has_cjk(value):
        raise ValidationError(_("The English name may not contain Chinese characters."), code="cjk_in_english")


validate_phone = RegexValidator(
    re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}$"),
    _("Enter a telephone number: digits, spaces, brackets and hyphens, e.g. 010-12345678."), code="invalid_phone")


class FieldOfService(models.TextChoices):
    POVERTY_RELIEF = "poverty_relief", _("Poverty relief")
    RURAL_REVITALIZATION = "rural_revitalization", _("Rural revitalisation")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health and medical aid")
    ELDERLY = "elderly", _("Care for the elderly")
    CHILDREN = "children", _("Children and youth")
    DISABILITY = "disability", _("People with disabilities")
    DISASTER_RELIEF = "disaster_relief", _("Disaster relief")
    ENVIRONMENT = "environment", _("Environment")
    CULTURE = "culture", _("Culture and arts")
    SPORTS = "sports", _("Sports")
    SCIENCE = "science", _("Science and technology")
    COMMUNITY = "community", _("Community development")
    VOLUNTEERING = "volunteering", _("Volunteering")
    OTHER = "other", _("Other public welfare")


FIELD_CODES = tuple(FieldOfService.values)


def field_mask(codes):
    """Organization.service_mask of these fields: bit i stands for FIELD_CODES[i].

    So a new field of service goes at the end of FieldOfService, never between.
    """
    return sum(1 << FIELD_CODES.index(code) for code in set(codes))


class Organization(models.Model):
    class Type(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation")
        SOCIAL_GROUP = "social_group", _("Social group")
        SOCIAL_SERVICE = "social_service", _("Social service organisation")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEREGISTERED = "deregistered", _("Deregistered")
        REVOKED = "revoked", _("Revoked")

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True, validators=[validate_no_cjk])
    org_type = models.CharField(_("organisation type"), max_length=20, choices=Type.choices)
    registration_authority = models.CharField(_("registration authority"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=6, validators=[validate_region_code])
    # Derived from region_code on save, for the province -> city filter.
    province_code = models.CharField(max_length=6, editable=False, db_index=True)
    city_code = models.CharField(max_length=6, editable=False, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    recognized_on = models.DateField(_("recognised as a charity on"), null=True, blank=True, db_index=True)
    public_fundraising_qualified = models.BooleanField(_("public fundraising qualification"), default=False)
    qualification_granted_on = models.DateField(_("qualification granted on"), null=True, blank=True)
    qualification_revoked_on = models.DateField(_("qualification revoked on"), null=True, blank=True)
    tax_deductible = models.BooleanField(_("tax-deductible donation receipts"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True, validators=[validate_phone])
    # normalize.search_key(name, name_en, uscc): what the public search matches.
    search_text = models.TextField(editable=False, default="")
    # field_mask() of the fields of service (ServiceField rows), kept by derive(): the search filters on it
    # within the row instead of joining a table.
    service_mask = models.IntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("charity")
        verbose_name_plural = _("charities")
        default_permissions = ("view",)
        permissions = [
            ("register_organization", "Can register charities"),
            ("edit_organization", "Can edit charities, their status and qualification"),
            ("publish_disclosure", "Can publish disclosures and corrections for charities"),
        ]
        indexes = [
            # A type alone matches a third of all charities; with a province it narrows well.
            models.Index(fields=["province_code", "org_type"], name="org_province_type_idx"),
            models.Index(fields=["name", "uscc"], name="org_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.uscc})"

    @property
    def subject(self):
        return f"organization/{self.uscc}"

    def get_absolute_url(self):
        return reverse("organizations:detail", args=[self.uscc])

    def derive(self):
        """Fill the columns computed from others (also used by bulk loading)."""
        self.province_code = regions.province_of(self.region_code)
        self.city_code = regions.city_of(self.region_code)
        self.search_text = normalize.search_key(self.name, self.name_en, self.uscc)
        if hasattr(self, "_fields_of_service"):
            self.service_mask = field_mask(self._fields_of_service)

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    @property
    def fields_of_service(self):
        """Codes in the order of FieldOfService."""
        if hasattr(self, "_fields_of_service"):
            return self._fields_of_service
        stored = {s.field for s in self.service_fields.all()} if self.pk else set()
        return [c for c in FIELD_CODES if c in stored]

    def region_name(self):
        return regions.full_name(self.region_code)

    def public_state(self):
        """What the ledger records: the public registry facts, nothing personal.

        The legal representative appears by name only (a public role); the
        address and telephone are the organisation's own public contacts.
        """
        return {
            "uscc": self.uscc,
            "name": self.name,
            "name_en": self.name_en,
            "org_type": self.org_type,
            "registration_authority": self.registration_authority,
            "region_code": self.region_code,
            "status": self.status,
            "status_changed_on": _iso(self.status_changed_on),
            "status_reason": self.status_reason,
            "recognized_on": _iso(self.recognized_on),
            "public_fundraising_qualified": self.public_fundraising_qualified,
            "qualification_granted_on": _iso(self.qualification_granted_on),
            "qualification_revoked_on": _iso(self.qualification_revoked_on),
            "tax_deductible": self.tax_deductible,
            "fields_of_service": list(self.fields_of_service),
            "legal_representative": self.legal_representative,
            "founded_on": _iso(self.founded_on),
            "address": self.address,
            "website": self.website,
            "phone": self.phone,
        }


def _iso(day):
    return day.isoformat() if day else None


class ServiceField(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="service_fields")
    field = models.CharField(max_length=32, choices=FieldOfService.choices)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["organization", "field"], name="org_service_field_unique")]
        indexes = [models.Index(fields=["field", "organization"], name="org_service_field_idx")]


class AnnualReport(models.Model):
    """年度工作报告. Several for one year are possible: the latest supersedes."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    income_fen = models.BigIntegerField(_("income (fen)"))
    expenditure_fen = models.BigIntegerField(_("expenditure (fen)"))
    net_assets_fen = models.BigIntegerField(_("net assets (fen)"))
    file = models.FileField(_("report file"), upload_to="annual-reports/")
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    ledger_seq = models.BigIntegerField(unique=True)

    class Meta:
        default_permissions = ()
        ordering = ["-year", "-ledger_seq"]


class Disclosure(models.Model):
    """Other information disclosed (信息公开) besides annual reports."""

    class Kind(models.TextChoices):
        CHARTER = "charter", _("Charter")
        GOVERNANCE = "governance", _("Governing bodies")
        PROJECT = "project", _("Charitable project")
        FUNDRAISING = "fundraising", _("Fundraising activity")
        MAJOR_ASSET = "major_asset", _("Major asset change or investment")
        RELATED_PARTY = "related_party", _("Related-party transaction")
        AUDIT = "audit", _("Audit report")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    disclosed_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=10000)
    published_at = models.DateTimeField()
    ledger_seq = models.BigIntegerField(unique=True)

    class Meta:
        default_permissions = ()
        ordering = ["-disclosed_on", "-ledger_seq"]


class Correction(models.Model):
    """A note that corrects an earlier ledger entry of the same charity; the entry itself stays."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="corrections")
    corrects_seq = models.BigIntegerField(_("corrected entry"))
    note = models.TextField(_("note"), max_length=2000)
    published_at = models.DateTimeField()
    ledger_seq = models.BigIntegerField(unique=True)

    class Meta:
        default_permissions = ()
        ordering = ["-ledger_seq"]
