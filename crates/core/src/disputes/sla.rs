//! Each program's SLA for answering a case: N calendar days, or N business days (Monday to Friday), counted in the
//! program's reporting zone; a case is due at the end of its last day. Near due: under [`NEAR_DUE_MS`] left.

use super::types::DisputeSla;
use super::{DisputeError, DisputeResult};
use crate::programs::Program;
use chrono::{Datelike, Weekday};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The SLA of a program that set none.
pub const DEFAULT_SLA: DisputeSla = DisputeSla {
    days: 14,
    business_days: false,
};
/// A case with less than this left is near due.
pub const NEAR_DUE_MS: i64 = 2 * 86_400_000;
/// The longest SLA a program may set.
pub const MAX_SLA_DAYS: u32 = 365;

pub fn get(conn: &Connection, program_id: i64) -> DisputeResult<DisputeSla> {
    let row: Option<(u32, i64)> = conn
        .query_row(
            "SELECT days, business_days FROM program_dispute_sla WHERE program_id = ?1",
            [program_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.map_or(DEFAULT_SLA, |(days, b)| DisputeSla {
        days,
        business_days: b == 1,
    }))
}

pub fn set(
    tx: &Transaction<'_>,
    program_id: i64,
    sla: &DisputeSla,
    now_ms: i64,
) -> DisputeResult<()> {
    if sla.days == 0 || sla.days > MAX_SLA_DAYS {
        return Err(DisputeError::Invalid(format!(
            "Days: between 1 and {MAX_SLA_DAYS} (got {})",
            sla.days
        )));
    }
    tx.execute(
        "INSERT INTO program_dispute_sla (program_id, days, business_days, updated_at_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (program_id) DO UPDATE SET days = ?2, business_days = ?3, updated_at_ms = ?4",
        params![program_id, sla.days, sla.business_days as i64, now_ms],
    )?;
    Ok(())
}

pub fn describe(sla: &DisputeSla) -> String {
    format!(
        "{} {}day{}",
        sla.days,
        if sla.business_days { "business " } else { "" },
        if sla.days == 1 { "" } else { "s" }
    )
}

/// The instant a case opened at `opened_ms` is due: the end of the SLA's last day in the program's zone.
pub fn due_at(program: &Program, sla: &DisputeSla, opened_ms: i64) -> DisputeResult<i64> {
    let tz = crate::time::parse_zone(&program.timezone)
        .map_err(|e| DisputeError::Invalid(e.to_string()))?;
    let day =
        crate::time::day_of(opened_ms, tz).map_err(|e| DisputeError::Invalid(e.to_string()))?;
    let mut d = crate::time::parse_day(&day).map_err(|e| DisputeError::Invalid(e.to_string()))?;
    let mut left = sla.days;
    while left > 0 {
        d = d
            .succ_opt()
            .ok_or_else(|| DisputeError::Invalid("the due date is out of range".into()))?;
        if !sla.business_days || !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    let next = d
        .succ_opt()
        .ok_or_else(|| DisputeError::Invalid("the due date is out of range".into()))?;
    Ok(crate::time::day_start_ms(next, tz) - 1)
}

/// on_time, near_due, overdue — or resolved, when the clock has stopped.
pub fn due_state(resolved: bool, due_at_ms: i64, now_ms: i64) -> &'static str {
    if resolved {
        "resolved"
    } else if now_ms > due_at_ms {
        "overdue"
    } else if due_at_ms - now_ms < NEAR_DUE_MS {
        "near_due"
    } else {
        "on_time"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::Vertical;

    fn program(tz: &str) -> Program {
        Program {
            id: 1,
            name: "P".into(),
            vertical: Vertical::Igaming,
            currency: "EUR".into(),
            timezone: tz.into(),
        }
    }

    /// Friday 2026-10-02 12:00 UTC.
    const FRIDAY_NOON: i64 = 1_790_942_400_000;

    #[test]
    fn business_days_skip_weekends_and_calendar_days_do_not() {
        let p = program("UTC");
        let cal = due_at(
            &p,
            &DisputeSla {
                days: 3,
                business_days: false,
            },
            FRIDAY_NOON,
        )
        .unwrap();
        let biz = due_at(
            &p,
            &DisputeSla {
                days: 3,
                business_days: true,
            },
            FRIDAY_NOON,
        )
        .unwrap();
        let day = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap()
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };
        assert_eq!(
            day(cal),
            "2026-10-05 23:59:59",
            "Friday + 3 calendar days: Monday"
        );
        assert_eq!(
            day(biz),
            "2026-10-07 23:59:59",
            "Friday + 3 business days: Wednesday"
        );
    }

    #[test]
    fn due_follows_the_program_zone() {
        let berlin = due_at(
            &program("Europe/Berlin"),
            &DisputeSla {
                days: 1,
                business_days: false,
            },
            FRIDAY_NOON,
        )
        .unwrap();
        let t = chrono::DateTime::from_timestamp_millis(berlin).unwrap();
        assert_eq!(
            t.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-10-03 21:59:59",
            "end of Saturday in Berlin (UTC+2)"
        );
    }

    #[test]
    fn due_states() {
        assert_eq!(due_state(false, 10 * NEAR_DUE_MS, 0), "on_time");
        assert_eq!(due_state(false, NEAR_DUE_MS - 1, 0), "near_due");
        assert_eq!(due_state(false, 5, 6), "overdue");
        assert_eq!(due_state(true, 5, 6), "resolved");
    }
}
