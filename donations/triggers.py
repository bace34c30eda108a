"""Triggers that keep the campaign fund sums equal to the rows they sum (see donations.models).

PostgreSQL sums each INSERT statement once (statement triggers over the
transition table), so a batch of 1,000 donations costs three upserts, not
3,000; SQLite, which has no statement triggers, sums row by row. Fund rows
are locked in key order, so concurrent batches cannot deadlock on them.
The CHECK constraints on the tables refuse overspending and over-refunding
when a trigger's sum would break them, even if two requests race.
"""

PG_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION donations_add_funds(rows jsonb) RETURNS void AS $$
BEGIN
    -- rows: [{campaign_id, platform_id, day, raised, refunded, disbursed, donations}], any order.
    -- The campaign row is created empty first and then added to: a CHECK constraint is tested on the row an
    -- INSERT proposes, before ON CONFLICT could turn it into an update.
    INSERT INTO donations_campaignfund (campaign_id, raised_fen, refunded_fen, disbursed_fen, donations)
    SELECT DISTINCT (r->>'campaign_id')::bigint, 0, 0, 0, 0 FROM jsonb_array_elements(rows) r ORDER BY 1
    ON CONFLICT (campaign_id) DO NOTHING;
    PERFORM 1 FROM donations_campaignfund
    WHERE campaign_id IN (SELECT (r->>'campaign_id')::bigint FROM jsonb_array_elements(rows) r)
    ORDER BY campaign_id FOR UPDATE;
    UPDATE donations_campaignfund f
    SET raised_fen = f.raised_fen + g.raised, refunded_fen = f.refunded_fen + g.refunded,
        disbursed_fen = f.disbursed_fen + g.disbursed, donations = f.donations + g.donations
    FROM (SELECT (r->>'campaign_id')::bigint AS campaign_id, sum((r->>'raised')::bigint) AS raised,
                 sum((r->>'refunded')::bigint) AS refunded, sum((r->>'disbursed')::bigint) AS disbursed,
                 sum((r->>'donations')::bigint) AS donations
          FROM jsonb_array_elements(rows) r GROUP BY 1) g
    WHERE f.campaign_id = g.campaign_id;
    INSERT INTO donations_platformfund AS f (campaign_id, platform_id, raised_fen, refunded_fen, disbursed_fen,
                                            donations)
    SELECT (r->>'campaign_id')::bigint, (r->>'platform_id')::bigint, sum((r->>'raised')::bigint),
           sum((r->>'refunded')::bigint), sum((r->>'disbursed')::bigint), sum((r->>'donations')::bigint)
    FROM jsonb_array_elements(rows) r GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (campaign_id, platform_id) DO UPDATE SET raised_fen = f.raised_fen + excluded.raised_fen,
        refunded_fen = f.refunded_fen + excluded.refunded_fen, disbursed_fen = f.disbursed_fen + excluded.disbursed_fen,
        donations = f.donations + excluded.donations;
    INSERT INTO donations_dayfund AS f (campaign_id, day, raised_fen, refunded_fen, disbursed_fen)
    SELECT (r->>'campaign_id')::bigint, (r->>'day')::date, sum((r->>'raised')::bigint),
           sum((r->>'refunded')::bigint), sum((r->>'disbursed')::bigint)
    FROM jsonb_array_elements(rows) r GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (campaign_id, day) DO UPDATE SET raised_fen = f.raised_fen + excluded.raised_fen,
        refunded_fen = f.refunded_fen + excluded.refunded_fen, disbursed_fen = f.disbursed_fen + excluded.disbursed_fen;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION donations_donations_inserted() RETURNS trigger AS $$
BEGIN
    PERFORM donations_add_funds((
        SELECT jsonb_agg(jsonb_build_object('campaign_id', campaign_id, 'platform_id', platform_id,
                                            'day', donated_on, 'raised', s, 'refunded', 0, 'disbursed', 0,
                                            'donations', n))
        FROM (SELECT campaign_id, platform_id, donated_on, sum(amount_fen) AS s, count(*) AS n
              FROM new_rows GROUP BY 1, 2, 3) g));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION donations_donation_corrected() RETURNS trigger AS $$
BEGIN
    PERFORM donations_add_funds(jsonb_build_array(
        jsonb_build_object('campaign_id', OLD.campaign_id, 'platform_id', OLD.platform_id, 'day', OLD.donated_on,
                           'raised', -OLD.amount_fen, 'refunded', 0, 'disbursed', 0, 'donations', -1),
        jsonb_build_object('campaign_id', NEW.campaign_id, 'platform_id', NEW.platform_id, 'day', NEW.donated_on,
                           'raised', NEW.amount_fen, 'refunded', 0, 'disbursed', 0, 'donations', 1)));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION donations_refunds_inserted() RETURNS trigger AS $$
BEGIN
    -- Lock the refunded donations in id order first: concurrent refund batches then queue instead of deadlocking.
    PERFORM 1 FROM donations_donation WHERE id IN (SELECT donation_id FROM new_rows) ORDER BY id FOR UPDATE;
    UPDATE donations_donation d SET refunded_fen = d.refunded_fen + r.s
    FROM (SELECT donation_id, sum(amount_fen) AS s FROM new_rows GROUP BY 1) r WHERE d.id = r.donation_id;
    PERFORM donations_add_funds((
        SELECT jsonb_agg(jsonb_build_object('campaign_id', campaign_id, 'platform_id', platform_id,
                                            'day', refunded_on, 'raised', 0, 'refunded', s, 'disbursed', 0,
                                            'donations', 0))
        FROM (SELECT campaign_id, platform_id, refunded_on, sum(amount_fen) AS s FROM new_rows GROUP BY 1, 2, 3) g));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION donations_disbursements_inserted() RETURNS trigger AS $$
BEGIN
    PERFORM donations_add_funds((
        SELECT jsonb_agg(jsonb_build_object('campaign_id', campaign_id, 'platform_id', platform_id,
                                            'day', disbursed_on, 'raised', 0, 'refunded', 0, 'disbursed', s,
                                            'donations', 0))
        FROM (SELECT campaign_id, platform_id, disbursed_on, sum(amount_fen) AS s FROM new_rows GROUP BY 1, 2, 3) g));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

PG_TRIGGERS = [
    "CREATE TRIGGER donations_donation_funds AFTER INSERT ON donations_donation REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION donations_donations_inserted();",
    "CREATE TRIGGER donations_donation_corrected AFTER UPDATE OF amount_fen, donated_on ON donations_donation "
    "FOR EACH ROW WHEN (OLD.amount_fen IS DISTINCT FROM NEW.amount_fen OR OLD.donated_on IS DISTINCT FROM "
    "NEW.donated_on) EXECUTE FUNCTION donations_donation_corrected();",
    "CREATE TRIGGER donations_refund_funds AFTER INSERT ON donations_refund REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION donations_refunds_inserted();",
    "CREATE TRIGGER donations_disbursement_funds AFTER INSERT ON donations_disbursement REFERENCING NEW TABLE AS "
    "new_rows FOR EACH STATEMENT EXECUTE FUNCTION donations_disbursements_inserted();",
]


def _sqlite_add(campaign, platform, day, raised="0", refunded="0", disbursed="0", donations="0"):
    """Statements adding one row's amounts to the three fund tables (inside a SQLite trigger body)."""
    sums = (f"raised_fen = raised_fen + {raised}, refunded_fen = refunded_fen + {refunded}, "
            f"disbursed_fen = disbursed_fen + {disbursed}")
    return (
        # Created empty, then added to: CHECK is tested on the row an INSERT proposes, before ON CONFLICT.
        f"INSERT INTO donations_campaignfund (campaign_id, raised_fen, refunded_fen, disbursed_fen, donations) "
        f"VALUES ({campaign}, 0, 0, 0, 0) ON CONFLICT (campaign_id) DO NOTHING; "
        f"UPDATE donations_campaignfund SET {sums}, donations = donations + {donations} "
        f"WHERE campaign_id = {campaign}; "
        f"INSERT INTO donations_platformfund (campaign_id, platform_id, raised_fen, refunded_fen, disbursed_fen, "
        f"donations) VALUES ({campaign}, {platform}, {raised}, {refunded}, {disbursed}, {donations}) "
        f"ON CONFLICT (campaign_id, platform_id) DO UPDATE SET {sums}, donations = donations + {donations}; "
        f"INSERT INTO donations_dayfund (campaign_id, day, raised_fen, refunded_fen, disbursed_fen) "
        f"VALUES ({campaign}, {day}, {raised}, {refunded}, {disbursed}) "
        f"ON CONFLICT (campaign_id, day) DO UPDATE SET {sums}; "
    )


SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS donations_donation_funds AFTER INSERT ON donations_donation BEGIN "
    + _sqlite_add("NEW.campaign_id", "NEW.platform_id", "NEW.donated_on", raised="NEW.amount_fen", donations="1")
    + "END;",
    "CREATE TRIGGER IF NOT EXISTS donations_donation_corrected AFTER UPDATE OF amount_fen, donated_on "
    "ON donations_donation WHEN OLD.amount_fen <> NEW.amount_fen OR OLD.donated_on <> NEW.donated_on BEGIN "
    + _sqlite_add("OLD.campaign_id", "OLD.platform_id", "OLD.donated_on", raised="-OLD.amount_fen", donations="-1")
    + _sqlite_add("NEW.campaign_id", "NEW.platform_id", "NEW.donated_on", raised="NEW.amount_fen", donations="1")
    + "END;",
    "CREATE TRIGGER IF NOT EXISTS donations_refund_funds AFTER INSERT ON donations_refund BEGIN "
    "UPDATE donations_donation SET refunded_fen = refunded_fen + NEW.amount_fen WHERE id = NEW.donation_id; "
    + _sqlite_add("NEW.campaign_id", "NEW.platform_id", "NEW.refunded_on", refunded="NEW.amount_fen")
    + "END;",
    "CREATE TRIGGER IF NOT EXISTS donations_disbursement_funds AFTER INSERT ON donations_disbursement BEGIN "
    + _sqlite_add("NEW.campaign_id", "NEW.platform_id", "NEW.disbursed_on", disbursed="NEW.amount_fen")
    + "END;",
]

TRIGGER_TABLES = {
    "donations_donation_funds": "donations_donation",
    "donations_donation_corrected": "donations_donation",
    "donations_refund_funds": "donations_refund",
    "donations_disbursement_funds": "donations_disbursement",
}


def create_sql(vendor):
    if vendor == "postgresql":
        return [PG_FUNCTIONS] + PG_TRIGGERS
    if vendor == "sqlite":
        return list(SQLITE_TRIGGERS)
    raise NotImplementedError(f"fund triggers for {vendor}")


def drop_sql(vendor):
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in TRIGGER_TABLES.items()] + [
            f"DROP FUNCTION IF EXISTS {fn};" for fn in (
                "donations_donations_inserted()", "donations_donation_corrected()", "donations_refunds_inserted()",
                "donations_disbursements_inserted()", "donations_add_funds(jsonb)")]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in TRIGGER_TABLES]
