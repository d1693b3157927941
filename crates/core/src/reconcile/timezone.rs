//! The time-zone check of reconciliation: deposits the operator's daily activity puts on another day than ours,
//! because the operator reports in another zone. The operator's offset is estimated from the data — the
//! whole-hour shift (−12…+14 h) under which the most (player, day) deposit totals agree with its activity — and,
//! when it explains more than no shift does, every deposit of the period whose day moves under it is reported.
//!
//! 27 candidate shifts over every deposit near the month (260,000 at 10 M clicks): days are plain day numbers,
//! each deposit's day under a shift is arithmetic on its zone offset, read once ([`ShiftedDays`]), and a player's
//! deposits are summed per day in place against that player's activity ([`ShiftBook`]).

use std::collections::HashSet;

use chrono::Offset;
use chrono_tz::Tz;
use rusqlite::{params, Connection};

use super::matching::{Discrepancy, Reason};
use super::Month;
use crate::time::{date_of_number, day_number, day_number_of};

/// A local day: days since 1970-01-01 (see `time::day_number`).
type Day = i64;

/// A column holding a `YYYY-MM-DD` day, as a day number (none when it is not one).
fn day_column(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Day>> {
    Ok(row.get_ref(i)?.as_str().ok().and_then(day_number_of))
}

/// The deposits of `month` whose day the operator's activity puts elsewhere (see the module).
pub(super) fn timezone_shifts(
    conn: &Connection,
    program_id: i64,
    month: &Month,
    currency: &str,
) -> rusqlite::Result<Vec<Discrepancy>> {
    let (Some(first), Some(last)) = (day_number_of(&month.first), day_number_of(&month.last))
    else {
        return Ok(Vec::new());
    };
    let zone: String = conn.query_row(
        "SELECT timezone FROM programs WHERE id = ?1",
        [program_id],
        |r| r.get(0),
    )?;
    let Ok(tz) = crate::time::parse_zone(&zone) else {
        return Ok(Vec::new());
    };
    let text = |day: Day| {
        date_of_number(day)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let (lo, hi) = (text(first - 2), text(last + 2));
    // Only what the estimate needs; the few deposits reported are read in full at the end.
    let mut deposits = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT m.id, m.player_id, m.occurred_at_ms, m.amount_micros, m.day FROM money_movements m
         WHERE m.program_id = ?1 AND m.kind = 'deposit' AND m.day BETWEEN ?2 AND ?3
           AND EXISTS (SELECT 1 FROM player_activity_daily a WHERE a.player_id = m.player_id)",
    )?;
    for r in stmt.query_map(params![program_id, lo, hi], |r| {
        let at_ms = r.get(2)?;
        Ok(ShiftDeposit {
            movement_id: r.get(0)?,
            player_id: r.get(1)?,
            amount: r.get(3)?,
            day: day_column(r, 4)?,
            shifted: ShiftedDays::new(&tz, at_ms),
            at_ms,
        })
    })? {
        deposits.push(r?);
    }
    // The operator's activity of those players: the window's rows by the day index, kept for the deposits'
    // players (reached through the program's players instead, it probed the activity of each of them: 1 M at
    // 10 M clicks, four times as long).
    let depositors: HashSet<i64> = deposits.iter().map(|d| d.player_id).collect();
    let mut activity = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT player_id, day, deposits_micros FROM player_activity_daily
         WHERE day BETWEEN date(?1, '-1 day') AND date(?2, '+1 day')",
    )?;
    for r in stmt.query_map(params![lo, hi], |r| {
        Ok((r.get::<_, i64>(0)?, day_column(r, 1)?, r.get::<_, i64>(2)?))
    })? {
        if let (pid, Some(day), amount) = r? {
            if depositors.contains(&pid) {
                activity.push((pid, day, amount));
            }
        }
    }
    let book = ShiftBook::new(deposits, activity);
    let baseline = book.agreeing(&tz, 0);
    let (best, best_score) = (-12..=14i64)
        .filter(|h| *h != 0)
        .map(|h| (h, book.agreeing(&tz, h)))
        .fold((0i64, baseline), |acc: (i64, usize), x| {
            if x.1 > acc.1 || (x.1 == acc.1 && x.0.abs() < acc.0.abs()) {
                x
            } else {
                acc
            }
        });
    if best == 0 || best_score <= baseline {
        return Ok(Vec::new());
    }
    // The deposits of the month whose day moves under the shift onto a day the operator has at least as much.
    let mut moved: Vec<(&ShiftDeposit, Day, Day)> = Vec::new();
    for (deposits, activity) in book.players() {
        for dep in deposits {
            let Some(day) = dep.day.filter(|d| (first..=last).contains(d)) else {
                continue;
            };
            let theirs = dep.shifted.day(&tz, best);
            if theirs != day && ShiftBook::total_on(activity, theirs).unwrap_or(0) >= dep.amount {
                moved.push((dep, day, theirs));
            }
        }
    }
    moved.sort_by_key(|(dep, day, _)| (*day, dep.movement_id));
    let mut described = conn.prepare_cached(
        "SELECT m.external_id, p.external_id, p.affiliate_id FROM money_movements m JOIN players p ON p.id = m.player_id
         WHERE m.id = ?1",
    )?;
    let mut out = Vec::new();
    for (dep, day, theirs) in moved {
        let (ext, player, aff): (String, String, Option<i64>) =
            described.query_row([dep.movement_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let (day, theirs) = (text(day), text(theirs));
        out.push(Discrepancy {
            reason: Reason::TimezoneShift,
            natural_key: ext.clone(),
            affiliate_id: aff,
            conversion_ref: String::new(),
            transaction_id: String::new(),
            player_ref: player,
            deposit_ref: ext,
            tracker_micros: None,
            operator_micros: Some(dep.amount),
            impact_micros: 0,
            currency: currency.to_string(),
            detail: format!("deposit on {day} here is on {theirs} in the operator's activity: its days run {best:+} h from ours ({best_score} player-days agree under that shift, {baseline} without)"),
        });
    }
    Ok(out)
}

/// A deposit near the month, as the estimate reads it.
struct ShiftDeposit {
    movement_id: i64,
    player_id: i64,
    at_ms: i64,
    amount: i64,
    /// Our local day (none if the stored day is not a date).
    day: Option<Day>,
    /// Its local day under each candidate shift.
    shifted: ShiftedDays,
}

/// The deposits near the month and the operator's deposit totals per day, both grouped by player and in order.
/// A shift's totals per (player, day) are sums over one player's few deposits, compared with that player's few
/// activity days: one pass through memory in order per shift, no hashing. (Hashing every (player, day) total
/// per shift, and looking each up in a hash of the activity, took a second for 260,000 deposits at 10 M clicks.)
struct ShiftBook {
    /// By player, then time.
    deposits: Vec<ShiftDeposit>,
    /// (player, day, total) by player, then day; one total per (player, day).
    activity: Vec<(i64, Day, i64)>,
    /// Each player's deposits and activity, as ranges of the two.
    players: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl ShiftBook {
    fn new(mut deposits: Vec<ShiftDeposit>, mut activity: Vec<(i64, Day, i64)>) -> Self {
        deposits.sort_unstable_by_key(|d| (d.player_id, d.at_ms));
        activity.sort_unstable_by_key(|a| (a.0, a.1));
        activity.dedup_by(|later, first| {
            let same = (later.0, later.1) == (first.0, first.1);
            if same {
                first.2 += later.2;
            }
            same
        });
        let mut players = Vec::new();
        let (mut d, mut a) = (0, 0);
        while d < deposits.len() {
            let player = deposits[d].player_id;
            let d_end = d + deposits[d..].partition_point(|x| x.player_id == player);
            a += activity[a..].partition_point(|x| x.0 < player);
            let a_end = a + activity[a..].partition_point(|x| x.0 == player);
            players.push((d..d_end, a..a_end));
            (d, a) = (d_end, a_end);
        }
        Self {
            deposits,
            activity,
            players,
        }
    }

    /// Each player's deposits (in time order) and activity totals (in day order).
    fn players(&self) -> impl Iterator<Item = (&[ShiftDeposit], &[(i64, Day, i64)])> {
        self.players
            .iter()
            .map(|(d, a)| (&self.deposits[d.clone()], &self.activity[a.clone()]))
    }

    /// The operator's deposit total of a player's day, from that player's activity.
    fn total_on(activity: &[(i64, Day, i64)], day: Day) -> Option<i64> {
        activity
            .binary_search_by_key(&day, |a| a.1)
            .ok()
            .map(|i| activity[i].2)
    }

    /// How many (player, day) deposit totals under a shift of `hours` equal the operator's activity.
    fn agreeing(&self, tz: &Tz, hours: i64) -> usize {
        let mut agree = 0;
        let mut totals: Vec<(Day, i64)> = Vec::new();
        for (deposits, activity) in self.players() {
            totals.clear();
            totals.extend(
                deposits
                    .iter()
                    .map(|d| (d.shifted.day(tz, hours), d.amount)),
            );
            // In time order the days go back only where a zone's clock once went back across midnight (Sitka,
            // 1867); then they are sorted.
            if !totals.is_sorted_by_key(|t| t.0) {
                totals.sort_by_key(|t| t.0);
            }
            for day in totals.chunk_by(|a, b| a.0 == b.0) {
                let total: i64 = day.iter().map(|t| t.1).sum();
                if Self::total_on(activity, day[0].0) == Some(total) {
                    agree += 1;
                }
            }
        }
        agree
    }
}

/// An instant's local day under a shift of whole hours. Zone transitions are months apart, so when the offset is
/// the same 12 h before and 14 h after the instant it holds for every candidate shift, and the day is plain
/// arithmetic; otherwise (an instant near a transition) each shift asks the zone.
struct ShiftedDays {
    at_ms: i64,
    /// The zone's offset over the whole −12…+14 h span, when it does not change within it.
    offset_ms: Option<i64>,
}

impl ShiftedDays {
    const SPAN_BEFORE_MS: i64 = 12 * 3_600_000;
    const SPAN_AFTER_MS: i64 = 14 * 3_600_000;
    const DAY_MS: i64 = 86_400_000;

    fn new(tz: &Tz, at_ms: i64) -> Self {
        let offset = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| i64::from(t.with_timezone(tz).offset().fix().local_minus_utc()) * 1000)
        };
        let before = offset(at_ms - Self::SPAN_BEFORE_MS);
        let after = offset(at_ms + Self::SPAN_AFTER_MS);
        Self {
            at_ms,
            offset_ms: before.filter(|b| Some(*b) == after),
        }
    }

    fn day(&self, tz: &Tz, hours: i64) -> Day {
        let at = self.at_ms + hours * 3_600_000;
        match self.offset_ms {
            Some(offset) => (at + offset).div_euclid(Self::DAY_MS),
            None => chrono::DateTime::from_timestamp_millis(at)
                .map(|t| day_number(t.with_timezone(tz).date_naive()))
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{date_of_number, ShiftBook, ShiftDeposit, ShiftedDays};
    use chrono::NaiveDate;
    use chrono_tz::Tz;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use std::collections::HashMap;

    type DayTotals = HashMap<(i64, i64), i64>;

    /// The agreement as first written: every deposit's (player, day) total hashed afresh for the shift, looked up
    /// in a hash of the activity.
    fn agreement_by_hash(
        deposits: &[ShiftDeposit],
        activity: &DayTotals,
        tz: &Tz,
        hours: i64,
    ) -> usize {
        let mut totals = DayTotals::default();
        for d in deposits {
            *totals
                .entry((d.player_id, d.shifted.day(tz, hours)))
                .or_default() += d.amount;
        }
        totals
            .iter()
            .filter(|(k, v)| activity.get(*k) == Some(*v))
            .count()
    }

    /// Summing each player's deposits per day in place agrees with the hash of every deposit, for every shift,
    /// over random players and deposits around the year and around clock changes, including a change that
    /// repeats a day (a player's days are then not in time order); deposits arrive in any order, a day's
    /// activity may come in two rows, and some players have activity but no deposits.
    #[test]
    fn per_player_sums_agree_with_hashing_every_deposit() {
        const HOUR: i64 = 3_600_000;
        let mut rng = rand::rngs::StdRng::seed_from_u64(15);
        // Sitka in 1867 (Alaska bought: its clock went from +14:58 to -9:01, so a day came twice) is the case of
        // a player's days going back in time order; the others are today's zones with their clock changes.
        for (zone, year) in [
            ("America/Sitka", 1867),
            ("America/Santiago", 2026),
            ("Europe/Berlin", 2026),
            ("UTC", 2026),
        ] {
            let tz: Tz = zone.parse().unwrap();
            let year = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis();
            let local_day = |at: i64| ShiftedDays::new(&tz, at).day(&tz, 0);
            // The hours around which the clocks change (the local day jumps or repeats).
            let transitions: Vec<i64> = (0..365 * 24)
                .map(|h| year + h * HOUR)
                .filter(|at| {
                    let local = |t: i64| {
                        chrono::DateTime::from_timestamp_millis(t)
                            .unwrap()
                            .with_timezone(&tz)
                            .naive_local()
                    };
                    local(at + HOUR) - local(*at) != chrono::Duration::hours(1)
                })
                .collect();
            let mut days_went_back = 0;
            for round in 0..80 {
                // Half the rounds put the deposits within a day of a clock change.
                let (start, spread) = match transitions.get(round % 4) {
                    Some(t) if round % 2 == 0 => (t - 12 * HOUR, 24 * HOUR),
                    _ => (year + rng.random_range(0..365i64) * 24 * HOUR, 96 * HOUR),
                };
                let mut deposits = Vec::new();
                for player_id in 0..rng.random_range(1..30i64) {
                    let mut times: Vec<i64> = (0..rng.random_range(1..10))
                        .map(|_| start + rng.random_range(0..spread))
                        .collect();
                    times.sort_unstable();
                    let in_order: Vec<i64> = times.iter().map(|t| local_day(*t)).collect();
                    days_went_back += usize::from(!in_order.is_sorted());
                    for at_ms in times {
                        deposits.push(ShiftDeposit {
                            movement_id: deposits.len() as i64,
                            player_id,
                            at_ms,
                            amount: rng.random_range(1..4i64) * 10_000_000,
                            day: None,
                            shifted: ShiftedDays::new(&tz, at_ms),
                        });
                    }
                }
                deposits.shuffle(&mut rng);
                // The operator's activity: our deposits under some shift, with some days dropped or changed,
                // some split in two rows, and players without deposits.
                let theirs = rng.random_range(-12..=14i64);
                let mut activity = DayTotals::default();
                for d in &deposits {
                    *activity
                        .entry((d.player_id, d.shifted.day(&tz, theirs)))
                        .or_default() += d.amount;
                }
                activity.retain(|_, _| rng.random_bool(0.8));
                for v in activity.values_mut().filter(|_| rng.random_bool(0.1)) {
                    *v += 1;
                }
                activity.insert((-1, 0), 1);
                activity.insert((1_000, 0), 1);
                let mut rows = Vec::new();
                for (&(player, day), &total) in &activity {
                    if rng.random_bool(0.2) {
                        rows.extend([(player, day, total - 7), (player, day, 7)]);
                    } else {
                        rows.push((player, day, total));
                    }
                }
                rows.shuffle(&mut rng);
                let book = ShiftBook::new(deposits, rows);
                for hours in -12..=14 {
                    assert_eq!(
                        book.agreeing(&tz, hours),
                        agreement_by_hash(&book.deposits, &activity, &tz, hours),
                        "{zone}, shift {hours} h"
                    );
                }
            }
            if zone == "America/Sitka" {
                assert!(days_went_back > 0, "{zone}: no player's days went back");
            }
        }
    }

    /// The arithmetic shortcut gives the zone's own answer for every candidate shift, around the DST changes of a
    /// zone that has them (and across a whole year at a step that is not a divisor of an hour).
    #[test]
    fn shifted_days_match_the_zone_for_every_shift() {
        for zone in [
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "UTC",
        ] {
            let tz: Tz = zone.parse().unwrap();
            let start = 1_767_225_600_000i64; // 2026-01-01T00:00Z
            let mut at = start;
            while at < start + 366 * 86_400_000 {
                let days = ShiftedDays::new(&tz, at);
                for hours in -12..=14i64 {
                    let direct = chrono::DateTime::from_timestamp_millis(at + hours * 3_600_000)
                        .unwrap()
                        .with_timezone(&tz)
                        .date_naive();
                    assert_eq!(
                        date_of_number(days.day(&tz, hours)),
                        Some(direct),
                        "{zone} at {at} shifted {hours} h"
                    );
                }
                at += 3_599_777; // just under an hour, so every minute of the day is visited over the year
            }
        }
    }
}
