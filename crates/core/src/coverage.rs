//! Coverage: how each affiliate's conversions reached Affops — S2S postback, pixel via the tracker, batch file or
//! API pull. Pixel-only tracking loses conversions to ITP, cookie limits and ad blockers, so a high pixel share is
//! a warning sign of under-counted (and underpaid) partners.

use crate::dashboard::DashboardQuery;
use crate::error::CoreError;
use crate::money::percent;
use crate::store::StoreResult;
use crate::time::Period;
use crate::workspace::Workspace;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Above this share of pixel-tracked conversions an affiliate is called out.
pub const PIXEL_SHARE_WARN_PERCENT: u64 = 50;

/// One affiliate's conversions by channel (and, for the coverage report, their tracker payout).
#[derive(Default, Clone)]
pub(crate) struct Counts {
    pub(crate) name: String,
    pub(crate) s2s: u64,
    pub(crate) pixel: u64,
    pub(crate) batch: u64,
    pub(crate) api: u64,
    /// Tracker payout (micros) of the conversions in the program's currency: all of it, and the pixel-borne part.
    pub(crate) payout: i64,
    pub(crate) payout_pixel: i64,
}

impl Counts {
    pub(crate) fn total(&self) -> u64 {
        self.s2s + self.pixel + self.batch + self.api
    }
    fn row(&self, id: String) -> CoverageRow {
        let t = self.total();
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        CoverageRow {
            affiliate_id: id,
            affiliate_name: self.name.clone(),
            total: n(t),
            s2s: n(self.s2s),
            pixel: n(self.pixel),
            batch: n(self.batch),
            api: n(self.api),
            s2s_percent: percent(self.s2s, t),
            pixel_percent: percent(self.pixel, t),
            batch_percent: percent(self.batch, t),
            api_percent: percent(self.api, t),
            pixel_payout_percent: percent(
                u64::try_from(self.payout_pixel.max(0)).unwrap_or(0),
                u64::try_from(self.payout.max(0)).unwrap_or(0),
            ),
        }
    }
}

/// Coverage of the program's conversions over the period (missing bounds: the program's data range).
pub fn report(
    ws: &Workspace,
    program: &crate::programs::Program,
    q: &DashboardQuery,
) -> Result<CoverageReport, CoreError> {
    let period = crate::dashboard::resolve_period(ws, program, q)?;
    let by_affiliate = ws.store().read(|c| by_affiliate(c, program, &period))?;
    let mut totals = Counts {
        name: "All affiliates".into(),
        ..Counts::default()
    };
    for c in by_affiliate.values() {
        totals.s2s += c.s2s;
        totals.pixel += c.pixel;
        totals.batch += c.batch;
        totals.api += c.api;
        totals.payout += c.payout;
        totals.payout_pixel += c.payout_pixel;
    }
    Ok(CoverageReport {
        period,
        rows: by_affiliate
            .iter()
            .map(|(id, c)| c.row(id.clone()))
            .collect(),
        totals: totals.row(String::new()),
        warning: warning(&by_affiliate),
    })
}

/// Per affiliate (external id): the share of its conversions that arrived by pixel, and the warning naming the
/// pixel-heavy affiliates — what the dashboard shows beside the funnel (it reads the counts with its own rows).
pub(crate) fn pixel_shares(
    counts: &BTreeMap<String, Counts>,
) -> (BTreeMap<String, String>, Option<String>) {
    let shares = counts
        .iter()
        .map(|(id, n)| (id.clone(), percent(n.pixel, n.total())))
        .collect();
    (shares, warning(counts))
}

/// The warning naming the affiliates above [`PIXEL_SHARE_WARN_PERCENT`] of pixel conversions, if any.
fn warning(by_affiliate: &BTreeMap<String, Counts>) -> Option<String> {
    let pixel_heavy: Vec<String> = by_affiliate
        .values()
        .filter(|c| c.total() > 0 && c.pixel * 100 > c.total() * PIXEL_SHARE_WARN_PERCENT)
        .map(|c| c.name.clone())
        .collect();
    (!pixel_heavy.is_empty()).then(|| {
        format!(
            "More than {PIXEL_SHARE_WARN_PERCENT} % of conversions arrive by pixel for {}: browser tracking loses conversions (ITP, cookie limits, ad blockers); move them to S2S postbacks.",
            pixel_heavy.join(", ")
        )
    })
}

/// Each affiliate's conversions of the period by channel, from `rollup_affiliate_daily`: a conversion delivered
/// by several channels (the operator's S2S postback or the pixel on Affops' listener, and the tracker's API or
/// file) counts once, under the first of S2S, pixel, batch, API — the channel the conversion depended on.
fn by_affiliate(
    c: &Connection,
    program: &crate::programs::Program,
    period: &Period,
) -> StoreResult<BTreeMap<String, Counts>> {
    let mut stmt = c.prepare_cached(
        "SELECT a.external_id, a.name, SUM(r.conv_s2s), SUM(r.conv_pixel), SUM(r.conv_batch), SUM(r.conv_api),
                SUM(r.conv_payout_micros), SUM(r.conv_pixel_payout_micros)
           FROM rollup_affiliate_daily r JOIN affiliates a ON a.id = r.affiliate_id
          WHERE r.program_id = ?1 AND r.day BETWEEN ?2 AND ?3
          GROUP BY r.affiliate_id
         HAVING SUM(r.conv_s2s) + SUM(r.conv_pixel) + SUM(r.conv_batch) + SUM(r.conv_api) > 0",
    )?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    let rows = stmt.query_map(params![program.id, period.from, period.to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Counts {
                name: r.get(1)?,
                s2s: n(r.get(2)?),
                pixel: n(r.get(3)?),
                batch: n(r.get(4)?),
                api: n(r.get(5)?),
                payout: r.get(6)?,
                payout_pixel: r.get(7)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One affiliate's conversions by how they arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoverageRow {
    pub affiliate_id: String,
    pub affiliate_name: String,
    pub total: u32,
    pub s2s: u32,
    pub pixel: u32,
    pub batch: u32,
    pub api: u32,
    /// Shares of the total, two decimals, half-up.
    pub s2s_percent: String,
    pub pixel_percent: String,
    pub batch_percent: String,
    pub api_percent: String,
    /// The share of the tracker's payout for these conversions (in the program's currency) that rests on pixel
    /// conversions: the money that disappears when browsers block the pixel. Two decimals, half-up.
    pub pixel_payout_percent: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoverageReport {
    pub period: crate::time::Period,
    pub rows: Vec<CoverageRow>,
    pub totals: CoverageRow,
    /// Set when some affiliates rely mostly on pixels.
    pub warning: Option<String>,
}
