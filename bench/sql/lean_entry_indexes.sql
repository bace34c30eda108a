-- A proposed change to ledger_entry's indexes, for measuring before a
-- migration is written (bench/ledger.py --schema-sql bench/sql/lean_entry_indexes.sql).
--
-- Every append inserts into every index of ledger_entry; the four on
-- random 64-character hex hashes cost more than the row itself.
-- LEDGER_SPEC §1.3 asks for seq and prev to be UNIQUE, and they stay so:
--  * the varchar_pattern_ops copies Django adds for unique CharFields serve
--    LIKE 'abc%' searches, which nothing does on hashes: dropped
--    (in the model: a UniqueConstraint on prev instead of unique=True);
--  * nothing looks an entry up by entry_hash, and prev UNIQUE already
--    rules out forks: its unique index is dropped;
--  * hex compares the same bytewise, so prev's index uses COLLATE "C"
--    instead of the database's locale (PostgreSQL only, db_collation="C").
ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_entry_hash_key;
DROP INDEX ledger_entry_entry_hash_a393dfb5_like;
DROP INDEX ledger_entry_prev_0f1dff58_like;
ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_prev_key;
ALTER TABLE ledger_entry ALTER COLUMN prev TYPE varchar(64) COLLATE "C";
ALTER TABLE ledger_entry ALTER COLUMN entry_hash TYPE varchar(64) COLLATE "C";
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_prev_key UNIQUE (prev);
