"""Database triggers that refuse UPDATE and DELETE on the ledger tables.

Kept as SQL next to the tables' migration so that tests (which must reset
SQLite test databases without DELETE) and the migration share one text.
"""

APPEND_ONLY_TABLES = ("ledger_entry", "ledger_tile", "ledger_checkpoint")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger tables are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_sql(vendor):
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION]
        for table in APPEND_ONLY_TABLES:
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();"
            )
        return statements
    if vendor == "sqlite":
        statements = []
        for table in APPEND_ONLY_TABLES:
            for op in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'ledger tables are append-only: {op} on {table} refused'); END;"
                )
        return statements
    raise NotImplementedError(f"append-only triggers for {vendor}")


def drop_sql(vendor):
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in APPEND_ONLY_TABLES] + [
            "DROP FUNCTION IF EXISTS ledger_refuse_change();"
        ]
    return [f"DROP TRIGGER IF EXISTS {t}_no_{op} ;" for t in APPEND_ONLY_TABLES for op in ("update", "delete")]
