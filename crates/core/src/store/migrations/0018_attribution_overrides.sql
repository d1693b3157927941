-- 0018: a dispute can re-attribute a player (DOMAIN.md §7): an override names the affiliate (or none) the player
-- belongs to from now on, the case that decided it and why. Overrides are append-only; the latest one per player
-- is in force and the attribution run leaves that player alone. `player_attribution` is rebuilt so a decision can
-- say it was overridden (key_kind 'override', key_value 'case:N').

CREATE TABLE attribution_overrides (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    player_id     INTEGER NOT NULL REFERENCES players(id),
    from_affiliate_id INTEGER REFERENCES affiliates(id),
    to_affiliate_id   INTEGER REFERENCES affiliates(id),   -- NULL: organic
    case_id       INTEGER REFERENCES dispute_cases(id),
    reason        TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX attribution_overrides_player ON attribution_overrides (player_id, id);
CREATE TRIGGER attribution_overrides_no_update BEFORE UPDATE ON attribution_overrides
BEGIN SELECT RAISE(ABORT, 'overrides are append-only: add another'); END;
CREATE TRIGGER attribution_overrides_no_delete BEFORE DELETE ON attribution_overrides
BEGIN SELECT RAISE(ABORT, 'overrides are append-only: add another'); END;

CREATE TABLE player_attribution_new (
    player_id       INTEGER PRIMARY KEY REFERENCES players(id),
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id    INTEGER REFERENCES affiliates(id),
    key_kind        TEXT CHECK (key_kind = 'click_id' OR key_kind = 'btag' OR key_kind = 'promo_code' OR
                                key_kind = 'override'),
    key_value       TEXT,
    rule_version_id INTEGER REFERENCES attribution_rule_versions(id),
    decided_at_ms   INTEGER NOT NULL,
    locked_at_ms    INTEGER,
    explanation_json TEXT NOT NULL,
    CHECK (key_kind = 'override' OR (affiliate_id IS NULL) = (key_kind IS NULL))
) STRICT;
INSERT INTO player_attribution_new SELECT player_id, program_id, affiliate_id, key_kind, key_value, rule_version_id,
    decided_at_ms, locked_at_ms, explanation_json FROM player_attribution;
DROP INDEX player_attribution_affiliate;
DROP INDEX player_attribution_unlocked;
DROP TABLE player_attribution;
ALTER TABLE player_attribution_new RENAME TO player_attribution;
CREATE INDEX player_attribution_affiliate ON player_attribution (program_id, affiliate_id);
CREATE INDEX player_attribution_unlocked ON player_attribution (program_id) WHERE locked_at_ms IS NULL;
