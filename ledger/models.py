"""Ledger tables. All but Alert are append-only in the database (migration 0002)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO_HASH = "0" * 64


class Entry(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    # prev is UNIQUE (LEDGER_SPEC §1.3: no fork), by a constraint rather than unique=True, which would add a
    # second, LIKE-pattern index on PostgreSQL. Nothing looks an entry up by its hash, so entry_hash has no
    # index: every index on random hex costs each append more than the row itself (migration 0003).
    prev = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    leaf = models.TextField(help_text="The exact JCS text that was hashed.")
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    actor = models.CharField(max_length=200)
    time = models.DateTimeField()

    class Meta:
        db_table = "ledger_entry"
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["subject", "seq"], name="ledger_entry_subject_seq")]
        constraints = [models.CheckConstraint(condition=models.Q(seq__gte=0), name="ledger_entry_seq_nonnegative"),
                       models.UniqueConstraint(fields=["prev"], name="ledger_entry_prev_unique")]

    def __str__(self):
        return f"#{self.seq} {self.kind} {self.subject}"


class Tile(models.Model):
    """A full C2SP tile: 256 hashes at tree level 8*level, stored once complete."""

    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    hashes = models.BinaryField()
    root = models.BinaryField(help_text="Hash of the complete subtree the tile covers.")

    class Meta:
        db_table = "ledger_tile"
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_tile_level_index")]


class Checkpoint(models.Model):
    size = models.BigIntegerField(unique=True)
    root = models.CharField(max_length=64)
    note = models.TextField(help_text="The signed note, byte for byte as served.")
    key_id = models.CharField(max_length=8)
    signed_at = models.DateTimeField()

    class Meta:
        db_table = "ledger_checkpoint"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self):
        return f"checkpoint {self.size}"


class Alert(models.Model):
    """Something staff must look at: a refused anchor or a failed verification."""

    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=32)
    message = models.TextField()

    class Meta:
        db_table = "ledger_alert"
        ordering = ["-created_at"]
        verbose_name = _("ledger alert")
        verbose_name_plural = _("ledger alerts")

    def __str__(self):
        return f"{self.source}: {self.message[:60]}"
