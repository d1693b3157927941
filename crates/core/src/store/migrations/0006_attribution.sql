-- 0006: attribution you can explain. Rules per program are versioned and effective-dated; every player has one
-- stored decision (affiliate or organic) with the key that matched, the rule version used and an explanation;
-- the decision is locked at the player's first-time deposit. `players.affiliate_id` is kept equal to the decision:
-- it is what the commission engine and the rollups read.

CREATE TABLE attribution_rule_versions (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    -- Applies to players who registered on or after this day (program zone); a later version with the same day
    -- supersedes an earlier one (the highest id wins).
    effective_from TEXT NOT NULL,
    body_json      TEXT NOT NULL,           -- validated at save (attribution::rules)
    created_by     TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX attribution_rule_versions_program ON attribution_rule_versions (program_id, effective_from, id);

-- An affiliate's promo codes. One code belongs to one affiliate; stored upper-case and trimmed. `source` says
-- where the mapping came from: entered by a manager (CLI/UI), or learned from tracker conversions that carry
-- both the coupon code and the affiliate (Everflow `coupon_code`).
CREATE TABLE affiliate_promo_codes (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    code          TEXT NOT NULL,
    affiliate_id  INTEGER NOT NULL REFERENCES affiliates(id),
    valid_from    TEXT,                     -- first day the code earns (inclusive), NULL = always
    valid_to      TEXT,                     -- last day the code earns (inclusive), NULL = open-ended
    source        TEXT NOT NULL CHECK (source IN ('manual', 'tracker')),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (program_id, code)
) STRICT;

CREATE TABLE player_attribution (
    player_id       INTEGER PRIMARY KEY REFERENCES players(id),
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id    INTEGER REFERENCES affiliates(id),   -- NULL = organic, earns nothing
    key_kind        TEXT CHECK (key_kind IN ('click_id', 'btag', 'promo_code')),
    key_value       TEXT,
    rule_version_id INTEGER REFERENCES attribution_rule_versions(id),  -- NULL = the built-in default rules
    decided_at_ms   INTEGER NOT NULL,
    locked_at_ms    INTEGER,                -- the FTD instant; a locked decision never changes
    explanation_json TEXT NOT NULL,
    CHECK ((affiliate_id IS NULL) = (key_kind IS NULL))
) STRICT;
CREATE INDEX player_attribution_affiliate ON player_attribution (program_id, affiliate_id);
CREATE INDEX player_attribution_unlocked ON player_attribution (program_id) WHERE locked_at_ms IS NULL;

-- IP (+ user agent) candidates for analysis: clicks from the player's IP shortly before registration.
CREATE INDEX clicks_ip ON clicks (program_id, ip, clicked_at_ms);
