"""Human names of the fundraising ledger entry kinds (docs/ledger-kinds.md)."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "platform.applied": _("Platform applied for designation"),
    "platform.imported": _("Platform designated before the portal, imported"),
    "platform.review_started": _("Platform review started"),
    "platform.recommended": _("Platform recommended by the review panel"),
    "platform.recommendation_declined": _("Recommendation on platform declined"),
    "platform.notice_started": _("Public notice of platform started"),
    "platform.objection_recorded": _("Objection to platform recorded"),
    "platform.objection_answered": _("Objection to platform answered"),
    "platform.designated": _("Platform designated"),
    "platform.rejected": _("Platform application rejected"),
    "platform.talk_recorded": _("Regulatory talk with platform recorded"),
    "platform.rectification_ordered": _("Platform ordered to rectify"),
    "platform.rectification_completed": _("Platform rectification completed"),
    "platform.suspended": _("Platform suspended"),
    "platform.reinstated": _("Platform reinstated"),
    "platform.revoked": _("Platform designation revoked"),
    "platform.exited": _("Platform exited"),
    "platform.key_issued": _("Platform API key issued"),
    "platform.key_revoked": _("Platform API key revoked"),
    "campaign.filed": _("Fundraising campaign filed"),
    "campaign.activated": _("Fundraising campaign started"),
    "campaign.progress_reported": _("Campaign progress reported"),
    "campaign.closed": _("Fundraising campaign closed"),
    "campaign.terminated": _("Fundraising campaign terminated"),
    "campaign.final_report": _("Campaign final report published"),
    "campaign.reviewed": _("Campaign filing reviewed"),
}
