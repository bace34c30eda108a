"""Template helpers for ledger facts on any page: `{% load ledger_pages %}`.

- `{{ entry.kind|kind_label }}`: the human name of an entry kind.
- `{% ledger_keys as keys %}`: published verifier keys with fingerprints (footer).
- `{% ledger_verify_messages as m %}{{ m|json_script:"ledger-verify-i18n" }}`:
  the texts static/js/verify.js shows, in the page's language (base.html does this).
"""

from django import template
from django.utils.translation import gettext as _

from ledger import pages

register = template.Library()


@register.filter
def kind_label(kind):
    return pages.kind_label(kind)


@register.simple_tag
def ledger_keys():
    return pages.key_info()


@register.simple_tag
def ledger_verify_messages():
    """Texts for the browser verifier; %(name)s placeholders are filled in by verify.js."""
    return {
        "busy": _("Verifying in your browser…"),
        "headline_ok": _("Verified"),
        "headline_failed": _("Verification failed"),
        "headline_pending": _("Not anchored yet"),
        "verified": _("This exact text is entry #%(seq)s of the public ledger, whose tree of %(size)s entries "
                      "was signed by key %(key)s at %(time)s."),
        "verified_no_time": _("This exact text is entry #%(seq)s of the public ledger, whose tree of %(size)s "
                              "entries was signed by key %(key)s."),
        "not_anchored": _("Entry #%(seq)s is recorded, but no signed checkpoint covers it yet (the latest covers "
                          "%(size)s entries). Retry after the next anchoring, usually within a minute."),
        "failed": _("Step “%(step)s” failed: %(detail)s"),
        "time_with_zone": _("%(time)s (Beijing time)"),
        "fingerprint": _("Key fingerprint (SHA-256 of the public key)"),
        "tofu_first": _("This is the first ledger key this browser has seen; it will warn you if the key changes. "
                        "Compare the fingerprint with the one the Ministry of Civil Affairs publishes."),
        "tofu_same": _("Same ledger key as this browser first saw."),
        "tofu_changed": _("Warning: this key differs from the one this browser first saw (%(previous)s). That is "
                          "expected only after a key rotation announced by the Ministry of Civil Affairs; "
                          "otherwise do not trust this result, and report it."),
        "tofu_unavailable": _("This browser does not let the page remember the key; compare the fingerprint "
                              "with the one the Ministry of Civil Affairs publishes."),
        "steps": {
            "browser": _("browser support"),
            "fetch": _("download the public data"),
            "key": _("read the verifier key"),
            "signature": _("check the checkpoint signature"),
            "checkpoint": _("read the signed checkpoint"),
            "leaf": _("hash the entry text"),
            "entry": _("read the entry"),
            "inclusion": _("check the inclusion proof"),
        },
        "step_ok": {
            "key": _("Verifier key read; its key id matches the key."),
            "signature": _("Checkpoint signature is valid (Ed25519)."),
            "leaf": _("The entry text hashes to its entry hash."),
            "inclusion": _("The inclusion proof leads to the signed root."),
        },
        "details": {
            "no_webcrypto": _("this browser cannot check Ed25519 signatures with WebCrypto (it needs a current "
                              "browser and an https:// page); use the Python script on the ledger page instead"),
            "http": _("%(url)s answered HTTP %(status)s"),
            "network": _("could not reach %(url)s"),
            "no_entry": _("the ledger has no entry #%(seq)s"),
            "bad_key": _("a published verifier key is malformed, or its key id does not match the key"),
            "no_keys": _("no verifier key is published"),
            "bad_note": _("the checkpoint is not a well-formed signed note"),
            "no_known_signature": _("the checkpoint carries no signature by a published key"),
            "bad_signature": _("the signature by %(key)s does not match the checkpoint text"),
            "bad_checkpoint": _("the signed text is not a well-formed checkpoint"),
            "origin_mismatch": _("the checkpoint is for “%(origin)s”, not for the key “%(key)s”"),
            "leaf_mismatch": _("the entry text does not hash to the recorded entry hash (computed %(computed)s, "
                               "recorded %(recorded)s): the text was changed"),
            "bad_leaf": _("the entry text is not a ledger entry"),
            "seq_mismatch": _("the entry text says it is entry #%(found)s, not #%(seq)s"),
            "bad_proof": _("the server's inclusion proof is malformed"),
            "proof_mismatch": _("the inclusion proof does not lead to the signed root: this text is not in the "
                                "signed tree"),
            "unexpected": _("unexpected error: %(error)s"),
        },
    }
