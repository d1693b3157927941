-- 0029: coarser rollups beside rollup_daily, so the dashboard, the breakdown, the coverage report and the cohort
-- sizes read a few thousand rows for a month instead of every (affiliate, sub-ID, country, brand) of every day.
-- Maintained by the same dirty-day refresh as rollup_daily (recomputed from it, and from the day's conversions).

-- Per (program, day, affiliate): the funnel and money of rollup_daily summed, and how the day's conversions
-- arrived (coverage). A conversion delivered by several channels counts once, under the first of S2S, pixel,
-- batch, API; its tracker payout counts in the program currency only.
CREATE TABLE rollup_affiliate_daily (
    program_id               INTEGER NOT NULL REFERENCES programs(id),
    day                      TEXT NOT NULL,
    affiliate_id             INTEGER NOT NULL REFERENCES affiliates(id),
    clicks                   INTEGER NOT NULL DEFAULT 0,
    registrations            INTEGER NOT NULL DEFAULT 0,
    ftds                     INTEGER NOT NULL DEFAULT 0,
    ftd_amount_micros        INTEGER NOT NULL DEFAULT 0,
    approved_conversions     INTEGER NOT NULL DEFAULT 0,
    deposits_micros          INTEGER NOT NULL DEFAULT 0,
    ngr_micros               INTEGER NOT NULL DEFAULT 0,
    funnel_rows              INTEGER NOT NULL DEFAULT 0,  -- rollup_daily rows summed (0: conversions only)
    conv_s2s                 INTEGER NOT NULL DEFAULT 0,
    conv_pixel               INTEGER NOT NULL DEFAULT 0,
    conv_batch               INTEGER NOT NULL DEFAULT 0,
    conv_api                 INTEGER NOT NULL DEFAULT 0,
    conv_payout_micros       INTEGER NOT NULL DEFAULT 0,
    conv_pixel_payout_micros INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, day, affiliate_id)
) STRICT, WITHOUT ROWID;

-- Per (program, dimension, day, key) over all affiliates, for the breakdown by country, brand or sub-ID. The key
-- is the breakdown's own: the country code, the brand id as text, or affiliate id, char(31), sub-ID.
CREATE TABLE rollup_key_daily (
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    dim             TEXT NOT NULL CHECK (dim IN ('country', 'brand', 'sub_id')),
    day             TEXT NOT NULL,
    key             TEXT NOT NULL,
    clicks          INTEGER NOT NULL DEFAULT 0,
    registrations   INTEGER NOT NULL DEFAULT 0,
    ftds            INTEGER NOT NULL DEFAULT 0,
    deposits_micros INTEGER NOT NULL DEFAULT 0,
    ngr_micros      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, dim, day, key)
) STRICT, WITHOUT ROWID;

-- One affiliate's breakdown by country, brand or sub-ID reads its own rows of rollup_daily.
CREATE INDEX rollup_daily_affiliate ON rollup_daily (program_id, affiliate_id, day);

-- Filled from what is rolled up already; days still dirty are recomputed, these tables with them, on the next
-- refresh.
INSERT INTO rollup_affiliate_daily (program_id, day, affiliate_id, clicks, registrations, ftds, ftd_amount_micros,
                                    approved_conversions, deposits_micros, ngr_micros, funnel_rows)
    SELECT program_id, day, affiliate_id, SUM(clicks), SUM(registrations), SUM(ftds), SUM(ftd_amount_micros),
           SUM(approved_conversions), SUM(deposits_micros), SUM(ngr_micros), COUNT(*)
      FROM rollup_daily GROUP BY program_id, day, affiliate_id;

INSERT INTO rollup_affiliate_daily (program_id, day, affiliate_id, conv_s2s, conv_pixel, conv_batch, conv_api,
                                    conv_payout_micros, conv_pixel_payout_micros)
    SELECT b.program_id, b.day, b.affiliate_id, SUM(b.arrival = 's2s'), SUM(b.arrival = 'pixel'),
           SUM(b.arrival = 'batch'), SUM(b.arrival = 'api'),
           SUM(CASE WHEN b.currency = pr.currency THEN b.payout_micros ELSE 0 END),
           SUM(CASE WHEN b.currency = pr.currency AND b.arrival = 'pixel' THEN b.payout_micros ELSE 0 END)
      FROM (SELECT cv.program_id, cv.day, cv.affiliate_id, cv.arrival, cv.currency, cv.payout_micros,
                   ROW_NUMBER() OVER (
                       PARTITION BY cv.program_id, cv.day,
                                    CASE WHEN cv.transaction_id <> '' THEN cv.transaction_id || '|' || cv.order_ref
                                         ELSE 'id:' || cv.id END
                       ORDER BY CASE cv.arrival WHEN 's2s' THEN 0 WHEN 'pixel' THEN 1 WHEN 'batch' THEN 2 ELSE 3 END,
                                cv.id) AS n
              FROM conversions cv) b
      JOIN programs pr ON pr.id = b.program_id
     WHERE b.n = 1 AND b.affiliate_id IS NOT NULL
     GROUP BY b.program_id, b.day, b.affiliate_id
    ON CONFLICT (program_id, day, affiliate_id) DO UPDATE SET
        conv_s2s = excluded.conv_s2s, conv_pixel = excluded.conv_pixel, conv_batch = excluded.conv_batch,
        conv_api = excluded.conv_api, conv_payout_micros = excluded.conv_payout_micros,
        conv_pixel_payout_micros = excluded.conv_pixel_payout_micros;

INSERT INTO rollup_key_daily (program_id, dim, day, key, clicks, registrations, ftds, deposits_micros, ngr_micros)
    SELECT program_id, 'country', day, country, SUM(clicks), SUM(registrations), SUM(ftds), SUM(deposits_micros),
           SUM(ngr_micros)
      FROM rollup_daily GROUP BY program_id, day, country
    UNION ALL
    SELECT program_id, 'brand', day, CAST(brand_id AS TEXT), SUM(clicks), SUM(registrations), SUM(ftds),
           SUM(deposits_micros), SUM(ngr_micros)
      FROM rollup_daily GROUP BY program_id, day, brand_id
    UNION ALL
    SELECT program_id, 'sub_id', day, CAST(affiliate_id AS TEXT) || char(31) || sub_id, SUM(clicks),
           SUM(registrations), SUM(ftds), SUM(deposits_micros), SUM(ngr_micros)
      FROM rollup_daily GROUP BY program_id, day, affiliate_id, sub_id;
