-- 0026: a flag's affiliate can change as data arrives — a player's click arrives after their registration and
-- attribution moves them to the click's affiliate — so each revision records the affiliate it charges, and the flag
-- as it stands (`flag_current`) is charged to its latest revision's. Revisions from before have none: they charge
-- the flags row's (the first) affiliate.
ALTER TABLE flag_revisions ADD COLUMN affiliate_id INTEGER REFERENCES affiliates(id);

DROP VIEW flag_current;
CREATE VIEW flag_current AS
SELECT f.id AS flag_id, r.revision, r.state, r.severity, r.score, r.summary, r.evidence_json, r.items_json,
       r.settings_version, r.reason, r.at_ms, COALESCE(r.affiliate_id, f.affiliate_id) AS affiliate_id
  FROM flags f JOIN flag_revisions r ON r.id = (SELECT MAX(x.id) FROM flag_revisions x WHERE x.flag_id = f.id);
CREATE INDEX flag_revisions_affiliate ON flag_revisions (affiliate_id);
