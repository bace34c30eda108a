"""Indexes for the public search (organizations/search.py explains the queries).

PostgreSQL: pg_trgm on the search key for queries of 3+ characters; for 1-2
characters, which trigrams cannot serve, a GIN index over the name's
unigrams and bigrams; "C"-collated btree indexes so name order is code-point
order, as on SQLite. pg_trgm only indexes CJK when the database's LC_CTYPE is
a UTF-8 locale (under plain "C" it drops them).

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in
step by triggers. A migration that makes Django rebuild organizations_organization
on SQLite drops these triggers: re-create them after it (tests/organizations
checks that the index follows inserts, updates and deletes).
"""

from django.db import migrations

T = "organizations_organization"

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Unigrams and bigrams of the name part of the search key (before U+001F).
    r"""
    CREATE OR REPLACE FUNCTION org_name_grams(key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        WITH n AS (SELECT split_part(key, E'\x1f', 1) AS s)
        SELECT COALESCE(array_agg(DISTINCT g), '{}') FROM (
            SELECT substr(n.s, i, 1) AS g FROM n, generate_series(1, char_length(n.s)) AS i
            UNION ALL
            SELECT substr(n.s, i, 2) FROM n, generate_series(1, char_length(n.s) - 1) AS i
        ) grams
    $$
    """,
    f"CREATE INDEX org_search_trgm ON {T} USING gin (search_text gin_trgm_ops)",
    f"CREATE INDEX org_name_grams ON {T} USING gin (org_name_grams(search_text))",
    f"CREATE INDEX org_uscc_prefix ON {T} (uscc varchar_pattern_ops)",
    f'CREATE INDEX org_name_c ON {T} ((name COLLATE "C"), uscc)',
]
PG_BACKWARD = [
    f"DROP INDEX IF EXISTS {name}" for name in
    ("org_search_trgm", "org_name_grams", "org_uscc_prefix", "org_name_c")
] + ["DROP FUNCTION IF EXISTS org_name_grams(text)"]

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE organizations_search USING fts5(search_text, content='{T}', content_rowid='id', "
    "tokenize='trigram case_sensitive 1')",
    f"CREATE TRIGGER organizations_search_ai AFTER INSERT ON {T} BEGIN "
    "INSERT INTO organizations_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER organizations_search_ad AFTER DELETE ON {T} BEGIN "
    "INSERT INTO organizations_search(organizations_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER organizations_search_au AFTER UPDATE OF search_text ON {T} BEGIN "
    "INSERT INTO organizations_search(organizations_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO organizations_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO organizations_search(organizations_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS organizations_search_ai",
    "DROP TRIGGER IF EXISTS organizations_search_ad",
    "DROP TRIGGER IF EXISTS organizations_search_au",
    "DROP TABLE IF EXISTS organizations_search",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
                             _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD})),
    ]
