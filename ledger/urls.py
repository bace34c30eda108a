from django.urls import path, re_path

from . import pages, views

urlpatterns = [
    path("ledger/checkpoint", views.checkpoint, name="ledger-checkpoint"),
    path("ledger/checkpoints/<str:size>", views.checkpoint_at, name="ledger-checkpoint-at"),
    path("ledger/key", views.key, name="ledger-key"),
    re_path(r"^ledger/tile/(?P<path>.+)$", views.tile, name="ledger-tile"),
    path("api/ledger/entries/<str:seq>", views.entry, name="ledger-api-entry"),
    path("api/ledger/entries", views.entries, name="ledger-api-entries"),
    path("api/ledger/proof/inclusion", views.inclusion_proof, name="ledger-api-inclusion"),
    path("api/ledger/proof/consistency", views.consistency_proof, name="ledger-api-consistency"),
    # Human pages (pages.py)
    path("ledger/", pages.ledger_index, name="ledger-index"),
    path("ledger/entries/<str:seq>/", pages.entry_page, name="ledger-entry-page"),
    path("ledger/history/<path:subject>", pages.history_page, name="ledger-history"),
    path("ledger/checkpoints/<str:size>/meta", pages.checkpoint_meta, name="ledger-checkpoint-meta"),
]
