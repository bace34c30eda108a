"""The platform docking API, /api/platform/v1/ (DRF): per-platform keys, batches, JSON errors."""
