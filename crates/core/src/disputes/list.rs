//! The case list: one page of a program's cases, filtered, searched, ordered and cut in the query (a program with
//! a hundred thousand cases reads one page of them), with the counts the screen and the dashboard show.

use super::cases::{invalid, names};
use super::types::{DisputeAffiliate, DisputeFilter, DisputeRow, DisputesPage};
use super::view::{read_row, ROW_SQL};
use super::{sla, DisputeResult, State};
use crate::programs::Program;
use rusqlite::{params, Connection};

/// Cases a page holds when the filter names no limit, and at most.
pub const CASE_PAGE: u32 = 200;
pub const CASE_PAGE_MAX: u32 = 1000;

/// How the list can be ordered: a closed set, each key with its SQL; ties by case id, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSort {
    Id,
    Title,
    State,
    Affiliate,
    /// Unowned cases first (the ones to pick up), then by sign-in name.
    Owner,
    /// Working cases by due date, soonest first; resolved ones (their clock stopped) after them.
    Due,
    /// The amount claimed, by its micros.
    Claimed,
    /// What the case has granted so far (its latest outcome), by its micros.
    Granted,
    Period,
    Updated,
}

/// The order's keys as requests name them (`DisputeFilter::sort`).
pub const CASE_SORTS: [&str; 10] = [
    "id",
    "title",
    "state",
    "affiliate",
    "owner",
    "due",
    "claimed",
    "granted",
    "period",
    "updated",
];

impl CaseSort {
    pub const ALL: [CaseSort; 10] = [
        CaseSort::Id,
        CaseSort::Title,
        CaseSort::State,
        CaseSort::Affiliate,
        CaseSort::Owner,
        CaseSort::Due,
        CaseSort::Claimed,
        CaseSort::Granted,
        CaseSort::Period,
        CaseSort::Updated,
    ];

    pub fn as_str(self) -> &'static str {
        CASE_SORTS[self as usize]
    }

    /// A key (surrounding spaces ignored); none names the default, `due`.
    pub fn parse(key: Option<&str>) -> DisputeResult<CaseSort> {
        let key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .unwrap_or("due");
        CaseSort::ALL
            .into_iter()
            .find(|s| s.as_str() == key)
            .ok_or_else(|| {
                invalid(format!(
                    "Sort: '{key}' is not a column ({})",
                    CASE_SORTS.join(", ")
                ))
            })
    }

    /// The direction when the request names none: largest or newest first for numbers and dates, else A to Z
    /// and soonest due first.
    pub fn descending_by_default(self) -> bool {
        matches!(
            self,
            CaseSort::Id
                | CaseSort::Claimed
                | CaseSort::Granted
                | CaseSort::Period
                | CaseSort::Updated
        )
    }

    /// The ORDER BY terms, each in `dir`; the case id (ascending) follows them.
    fn order_sql(self, dir: &str) -> String {
        match self {
            CaseSort::Id => format!("c.id {dir}"),
            CaseSort::Title => format!("c.title COLLATE NOCASE {dir}"),
            CaseSort::State => {
                let ranks: String = State::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!(" WHEN '{}' THEN {i}", s.as_str()))
                    .collect();
                format!("CASE c.state{ranks} ELSE {} END {dir}", State::ALL.len())
            }
            CaseSort::Affiliate => format!(
                "COALESCE(a.name, '') COLLATE NOCASE {dir}, COALESCE(a.external_id, '') {dir}"
            ),
            CaseSort::Owner => format!("c.owner_id IS NOT NULL {dir}, COALESCE(u.name, '') {dir}"),
            CaseSort::Due => format!("c.state IN ({RESOLVED}) {dir}, c.sla_due_at_ms {dir}"),
            CaseSort::Claimed => format!("c.amount_claimed_micros {dir}"),
            CaseSort::Granted => format!("granted_micros {dir}"),
            CaseSort::Period => format!("c.period {dir}"),
            CaseSort::Updated => format!("c.updated_at_ms {dir}"),
        }
    }
}

/// `CASE_SORTS` as a TypeScript constant, for the bindings.
pub fn sorts_typescript() -> String {
    format!(
        "const CASE_SORTS = {} as const;",
        serde_json::to_string(&CASE_SORTS).unwrap_or_else(|_| "[]".into())
    )
}

const WORKING: &str = "'open', 'investigating', 'awaiting_operator'";
const RESOLVED: &str = "'accepted', 'partly_accepted', 'rejected'";

/// The cases the filter and the search match, of the program `?1` (`?7` is now): every condition is the query's.
fn where_sql() -> String {
    let like = |col: &str| format!("{col} LIKE ?8 ESCAPE '\\'");
    format!(
        "WHERE c.program_id = ?1
           AND (?2 IS NULL OR c.state = ?2)
           AND (?3 IS NULL OR a.external_id = ?3)
           AND (?4 IS NULL OR (?4 = '-' AND c.owner_id IS NULL) OR u.name = ?4)
           AND (?5 IS NULL OR c.reason = ?5)
           AND (?6 = 0 OR (c.state IN ({WORKING}) AND c.sla_due_at_ms < ?7))
           AND (?8 IS NULL OR c.id = ?9 OR {} OR {} OR {} OR {} OR {} OR {} OR {})",
        like("c.title"),
        like("COALESCE(a.name, '')"),
        like("COALESCE(a.external_id, '')"),
        like("COALESCE(u.name, '')"),
        like("c.reason"),
        like("REPLACE(c.reason, '_', ' ')"),
        like("c.period"),
    )
}

const FROM_SQL: &str = "FROM dispute_cases c LEFT JOIN affiliates a ON a.id = c.affiliate_id
     LEFT JOIN users u ON u.id = c.owner_id";

/// A filter field as the query takes it: trimmed, none when empty.
fn opt(o: &Option<String>) -> Option<String> {
    o.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// One page of the program's cases matching the filter (see [`DisputeFilter`]), in its order, with how many match
/// in all and the program's counts (whatever the filter).
pub fn list(
    conn: &Connection,
    program: &Program,
    f: &DisputeFilter,
    now_ms: i64,
) -> DisputeResult<DisputesPage> {
    let state = opt(&f.state);
    if let Some(s) = &state {
        State::parse(s).ok_or_else(|| {
            invalid(format!(
                "State: '{s}' is not a state ({})",
                names(&State::ALL)
            ))
        })?;
    }
    let sort = CaseSort::parse(f.sort.as_deref())?;
    let dir = if f.descending.unwrap_or(sort.descending_by_default()) {
        "DESC"
    } else {
        "ASC"
    };
    let limit = f.limit.unwrap_or(CASE_PAGE);
    if limit > CASE_PAGE_MAX {
        return Err(invalid(format!(
            "Limit: {limit} is more than a page holds (0 to {CASE_PAGE_MAX} cases)"
        )));
    }
    let offset = f.offset.unwrap_or(0);
    let text = opt(&f.text);
    let pattern = text.as_deref().map(|t| {
        format!(
            "%{}%",
            t.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let case_id = text
        .as_deref()
        .map(|t| t.strip_prefix('#').unwrap_or(t))
        .and_then(|t| t.parse::<i64>().ok());
    let (affiliate, owner, reason) = (opt(&f.affiliate), opt(&f.owner), opt(&f.reason));
    let args =
        params![program.id, state, affiliate, owner, reason, f.overdue, now_ms, pattern, case_id];
    let where_sql = where_sql();
    let total: u32 = conn.query_row(
        &format!("SELECT COUNT(*) {FROM_SQL} {where_sql}"),
        args,
        |r| r.get(0),
    )?;
    if offset > 0 && offset >= total {
        return Err(invalid(format!(
            "Offset: {offset} is past the last of the {total} matching cases"
        )));
    }
    let mut stmt = conn.prepare(&format!(
        "{ROW_SQL} {where_sql} ORDER BY {}, c.id LIMIT {limit} OFFSET {offset}",
        sort.order_sql(dir)
    ))?;
    let rows = stmt
        .query_map(args, |r| read_row(r, now_ms))?
        .collect::<Result<Vec<DisputeRow>, _>>()?;
    let (open, overdue): (u32, u32) = conn.query_row(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(sla_due_at_ms < ?2), 0) FROM dispute_cases
             WHERE program_id = ?1 AND state IN ({WORKING})"
        ),
        params![program.id, now_ms],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(DisputesPage {
        rows,
        total,
        offset,
        open,
        overdue,
        sla: sla::describe(&sla::get(conn, program.id)?),
        affiliates: affiliates(conn, program.id, now_ms)?,
        reasons: strings(
            conn,
            "SELECT DISTINCT reason FROM dispute_cases WHERE program_id = ?1 AND reason <> '' ORDER BY reason",
            program.id,
        )?,
        owners: strings(
            conn,
            "SELECT DISTINCT u.name FROM dispute_cases c JOIN users u ON u.id = c.owner_id
             WHERE c.program_id = ?1 ORDER BY u.name",
            program.id,
        )?,
    })
}

/// Every affiliate with a case in the program, by name then id, with its counts.
fn affiliates(
    conn: &Connection,
    program_id: i64,
    now_ms: i64,
) -> DisputeResult<Vec<DisputeAffiliate>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT a.external_id, a.name, COUNT(*), COALESCE(SUM(c.state IN ({WORKING})), 0),
                COALESCE(SUM(c.state IN ({WORKING}) AND c.sla_due_at_ms < ?2), 0)
         FROM dispute_cases c JOIN affiliates a ON a.id = c.affiliate_id
         WHERE c.program_id = ?1
         GROUP BY a.id ORDER BY a.name COLLATE NOCASE, a.external_id"
    ))?;
    let rows = stmt.query_map(params![program_id, now_ms], |r| {
        Ok(DisputeAffiliate {
            affiliate_id: r.get(0)?,
            affiliate_name: r.get(1)?,
            cases: r.get(2)?,
            open: r.get(3)?,
            overdue: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn strings(conn: &Connection, sql: &str, program_id: i64) -> DisputeResult<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([program_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_to_itself_and_an_unknown_one_is_named_with_the_keys() {
        for s in CaseSort::ALL {
            assert_eq!(CaseSort::parse(Some(s.as_str())).unwrap(), s);
        }
        assert_eq!(CaseSort::parse(None).unwrap(), CaseSort::Due);
        assert_eq!(CaseSort::parse(Some(" ")).unwrap(), CaseSort::Due);
        let e = CaseSort::parse(Some("amount")).unwrap_err().to_string();
        assert_eq!(
            e,
            "Sort: 'amount' is not a column (id, title, state, affiliate, owner, due, claimed, granted, period, updated)"
        );
    }
}
