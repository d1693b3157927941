//! The click generator as a stream: one day of clicks is drawn, sorted and handed out before the next day is
//! drawn, so a 10 M-click file needs one day in memory, not the month.
//!
//! [`generate`](super::generate) collects the same stream into `World::clicks` and then continues stream 0 where
//! the clicks left it, which is exactly the v0 draw order: streamed and in-memory clicks are identical.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::catalog::{
    COUNTRIES, CREATIVES, DEVICE_CLASSES, HOUR_WEIGHTS, PLACEMENTS, USER_AGENTS, WEEKDAY_PERCENT,
};
use super::draw::{hex_token, pick_weighted, random_country, random_ip};
use super::{rng, Click, WorldConfig};

/// Share of clicks carrying each of sub3, sub4, sub5; the rest leave it empty, as real links often do.
const SUB3_PER_MILLE: u32 = 600;
const SUB4_PER_MILLE: u32 = 500;
const SUB5_PER_MILLE: u32 = 250;
/// Share of clicks from the affiliate's home country.
const HOME_COUNTRY_PER_MILLE: u32 = 500;

/// What the click stream needs to know about one affiliate.
#[derive(Clone)]
pub(super) struct ClickSource {
    pub id: u32,
    pub weight: u32,
    pub campaigns: Vec<&'static str>,
    pub home_country: usize,
}

/// An iterator over a world's clicks in (time, id) order.
pub struct ClickStream {
    rng: ChaCha8Rng,
    extra: ChaCha8Rng,
    sources: Vec<ClickSource>,
    weights: Vec<u32>,
    start: DateTime<Utc>,
    days: u32,
    clicks_per_day: u32,
    /// Per-day counts when the config asks for an exact total.
    exact_counts: Option<Vec<u64>>,
    day: u32,
    /// Ids drawn so far, as the u128 they are printed from: 16 bytes per click instead of a String.
    seen: HashSet<u128>,
    buffer: std::vec::IntoIter<Click>,
}

/// The clicks of the world `cfg` describes, streamed: the same clicks as `generate(cfg).clicks` before any fraud
/// is injected, without holding them all.
pub fn click_stream(cfg: &WorldConfig) -> ClickStream {
    let mut main = rng::stream(cfg.seed, 0);
    let (_, mut profiles) = super::generate::make_affiliates(&mut main, cfg.affiliates);
    super::traps::reshape_sources(cfg, &mut profiles);
    let sources = profiles.into_iter().map(|p| p.source).collect();
    ClickStream::new(main, cfg, sources)
}

impl ClickStream {
    pub(super) fn new(main: ChaCha8Rng, cfg: &WorldConfig, sources: Vec<ClickSource>) -> Self {
        let weights = sources.iter().map(|s| s.weight).collect();
        let start = cfg.start_instant();
        let exact_counts = cfg
            .clicks_total
            .map(|total| exact_day_counts(cfg, start, total));
        Self {
            rng: main,
            extra: rng::stream(cfg.seed, rng::CLICK_EXTRAS),
            sources,
            weights,
            start,
            days: cfg.days,
            clicks_per_day: cfg.clicks_per_day,
            exact_counts,
            day: 0,
            seen: HashSet::new(),
            buffer: Vec::new().into_iter(),
        }
    }

    /// Stream 0 after the clicks, for the generator to continue with players.
    pub(super) fn into_rng(self) -> ChaCha8Rng {
        self.rng
    }

    fn draw_day(&mut self) -> Vec<Click> {
        let rng = &mut self.rng;
        let day_start = self.start + Duration::days(i64::from(self.day));
        let count = match &self.exact_counts {
            Some(counts) => counts[self.day as usize],
            None => {
                let weekday = day_start.weekday().num_days_from_monday() as usize;
                let noise_percent: u64 = rng.random_range(85..=115);
                u64::from(self.clicks_per_day) * u64::from(WEEKDAY_PERCENT[weekday]) / 100
                    * noise_percent
                    / 100
            }
        };
        let mut day_clicks = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let source = &self.sources[pick_weighted(rng, &self.weights)];
            let hour = pick_weighted(rng, &HOUR_WEIGHTS) as i64;
            let at = day_start + Duration::seconds(hour * 3600 + rng.random_range(0..3600));
            let country = if rng.random_range(0..1000) < HOME_COUNTRY_PER_MILLE {
                COUNTRIES[source.home_country].0
            } else {
                random_country(rng)
            };
            let id = loop {
                let id = rng.random::<u128>();
                if self.seen.insert(id) {
                    break id;
                }
            };
            let affiliate_id = source.id;
            let sub1 = source.campaigns[rng.random_range(0..source.campaigns.len())].to_owned();
            let sub2 = PLACEMENTS[rng.random_range(0..PLACEMENTS.len())].to_owned();
            let ip = random_ip(rng);
            let user_agent = USER_AGENTS[rng.random_range(0..USER_AGENTS.len())].to_owned();
            let extra = &mut self.extra;
            let sub3 = if extra.random_range(0..1000) < SUB3_PER_MILLE {
                CREATIVES[extra.random_range(0..CREATIVES.len())].to_owned()
            } else {
                String::new()
            };
            let sub4 = if extra.random_range(0..1000) < SUB4_PER_MILLE {
                DEVICE_CLASSES[extra.random_range(0..DEVICE_CLASSES.len())].to_owned()
            } else {
                String::new()
            };
            let sub5 = if extra.random_range(0..1000) < SUB5_PER_MILLE {
                hex_token(extra, 10)
            } else {
                String::new()
            };
            day_clicks.push(Click {
                transaction_id: format!("{id:032x}"),
                at,
                affiliate_id,
                url: format!("https://demo-casino.example/?aff={affiliate_id}&sub1={sub1}"),
                sub1,
                sub2,
                sub3,
                sub4,
                sub5,
                ip,
                user_agent,
                country: country.to_owned(),
            });
        }
        day_clicks.sort_by(|a, b| (a.at, &a.transaction_id).cmp(&(b.at, &b.transaction_id)));
        day_clicks
    }
}

impl Iterator for ClickStream {
    type Item = Click;

    fn next(&mut self) -> Option<Click> {
        loop {
            if let Some(click) = self.buffer.next() {
                return Some(click);
            }
            if self.sources.is_empty() || self.day >= self.days {
                return None;
            }
            let day = self.draw_day();
            self.day += 1;
            self.buffer = day.into_iter();
        }
    }
}

/// Splits `total` over the days in proportion to weekday shape and a seeded noise, summing exactly to `total`.
fn exact_day_counts(cfg: &WorldConfig, start: DateTime<Utc>, total: u64) -> Vec<u64> {
    let mut noise = rng::stream(cfg.seed, rng::CLICK_TOTAL);
    let weights: Vec<u64> = (0..cfg.days)
        .map(|day| {
            let weekday = (start + Duration::days(i64::from(day)))
                .weekday()
                .num_days_from_monday() as usize;
            u64::from(WEEKDAY_PERCENT[weekday]) * noise.random_range(85..=115)
        })
        .collect();
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut counts: Vec<u64> = weights
        .iter()
        .map(|w| (u128::from(total) * u128::from(*w) / u128::from(sum)) as u64)
        .collect();
    let mut left = total - counts.iter().sum::<u64>();
    for count in counts.iter_mut() {
        if left == 0 {
            break;
        }
        *count += 1;
        left -= 1;
    }
    counts
}
