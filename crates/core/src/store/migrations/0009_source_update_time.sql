-- The tracker's own update time of a conversion (Everflow's changes feed: `updated_unix_timestamp`), next to the
-- sync's `observed_at_ms`. A one-shot historical sync sees a late approval only as its current state; the source's
-- update time is what tells reconciliation the status changed long after the conversion (status lag).
-- NULL = the source did not say (the plain conversions report, postbacks, Affise).
ALTER TABLE conversions ADD COLUMN source_updated_at_ms INTEGER;
-- On the history row it is written once with the row; the history stays append-only (its triggers still refuse
-- UPDATE and DELETE).
ALTER TABLE conversion_status_history ADD COLUMN source_updated_at_ms INTEGER;
