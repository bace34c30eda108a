from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import uscc


def validate_uscc(value):
    if not uscc.is_valid(value):
        raise ValidationError(
            _("Not a valid unified social credit code (18 characters with a correct check character)."),
            code="invalid_uscc")


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
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    org_type = models.CharField(_("organisation type"), max_length=20, choices=Type.choices)
    registration_authority = models.CharField(_("registration authority"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    recognized_on = models.DateField(_("recognised as a charity on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("charity")
        verbose_name_plural = _("charities")

    def __str__(self):
        return f"{self.name} ({self.uscc})"

    @property
    def subject(self):
        return f"organization/{self.uscc}"

    def public_state(self):
        """What the ledger records: the public facts, nothing personal."""
        return {
            "uscc": self.uscc,
            "name": self.name,
            "name_en": self.name_en,
            "org_type": self.org_type,
            "registration_authority": self.registration_authority,
            "region_code": self.region_code,
            "status": self.status,
            "founded_on": self.founded_on.isoformat() if self.founded_on else None,
            "recognized_on": self.recognized_on.isoformat() if self.recognized_on else None,
        }
