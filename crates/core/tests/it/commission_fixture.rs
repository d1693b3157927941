//! Builders shared by the commission test modules: plans from JSON snippets and engine inputs by hand.

use affops_core::api::{ComputeResult, QualificationChecklist, Statement};
use affops_core::audit::Stamp;
use affops_core::commission::engine::{
    compute, ActivityIn, AffiliateIn, AssignedPlan, DepositIn, EngineInput, EngineOutput, PlayerIn,
    SymbolIn, TradingIn,
};
use affops_core::commission::period::PeriodRow;
use affops_core::commission::plan::formula::Activity;
use affops_core::commission::plan::PlanVersion;
use affops_core::commission::rounding::RoundingMode;
use affops_core::commission::{CommissionError, CommissionResult};
use affops_core::store::Store;

pub const M: i64 = 1_000_000;

/// A plan version from the JSON of its components, plus version-level fields (`"hold_days": 30,` …, each
/// followed by a comma, or empty).
pub fn version(extra: &str, components: &str) -> PlanVersion {
    let json =
        format!(r#"{{{extra} "effective_from": "2026-01-01", "components": [{components}]}}"#);
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("bad test plan {json}: {e}"))
}

/// An EUR, half-up plan with these components.
pub fn eur(components: &str) -> AssignedPlan {
    assigned(version("", components), "EUR", RoundingMode::HalfUp)
}

pub fn assigned(v: PlanVersion, currency: &str, rounding: RoundingMode) -> AssignedPlan {
    AssignedPlan {
        plan_name: "test".into(),
        plan_version_id: 1,
        version_no: 1,
        currency: currency.into(),
        rounding,
        version: v,
    }
}

pub struct World {
    pub input: EngineInput,
}

impl World {
    /// A one-month period (October 2026).
    pub fn new() -> Self {
        World {
            input: EngineInput {
                first_day: "2026-10-01".into(),
                last_day: "2026-10-31".into(),
                ..EngineInput::default()
            },
        }
    }

    pub fn affiliate(
        &mut self,
        id: i64,
        parent: Option<i64>,
        plan: Option<AssignedPlan>,
    ) -> &mut Self {
        self.input.affiliates.push(AffiliateIn {
            id,
            external_id: format!("aff{id}"),
            parent_id: parent,
            plan,
        });
        self
    }

    pub fn player(
        &mut self,
        id: i64,
        affiliate: Option<i64>,
        day: &str,
        country: &str,
    ) -> &mut Self {
        self.input.players.push(PlayerIn {
            id,
            external_id: format!("p{id}"),
            affiliate_id: affiliate,
            registered_day: day.into(),
            country: country.into(),
            currency: "EUR".into(),
        });
        self
    }

    pub fn deposit(
        &mut self,
        id: i64,
        player: i64,
        day: &str,
        micros: i64,
        ftd: bool,
    ) -> &mut Self {
        self.input.deposits.push(DepositIn {
            id,
            player_id: player,
            day: day.into(),
            amount_micros: micros,
            currency: "EUR".into(),
            is_ftd: ftd,
        });
        self
    }

    /// A day of play: bets and wins (NGR = bets − wins with the default formula and nothing else).
    pub fn play(&mut self, player: i64, day: &str, bets: i64, wins: i64) -> &mut Self {
        self.input.activity.push(ActivityIn {
            player_id: player,
            day: day.into(),
            currency: "EUR".into(),
            activity: Activity {
                bets,
                wins,
                ..Activity::default()
            },
        });
        self
    }

    pub fn symbol(&mut self, s: &str, contract_size: i64, group: &str) -> &mut Self {
        self.input.symbols.insert(
            s.into(),
            SymbolIn {
                contract_size,
                group: group.into(),
            },
        );
        self
    }

    /// Trading of a player's account: volume in base units (micros), trade count, commission (micros).
    pub fn trade(
        &mut self,
        player: i64,
        day: &str,
        symbol: &str,
        volume_micros: i64,
        trades: u32,
        commission_micros: i64,
    ) -> &mut Self {
        self.input.trading.push(TradingIn {
            player_id: player,
            account_id: 1000 + player,
            day: day.into(),
            through_day: day.into(),
            symbol: symbol.into(),
            volume_micros,
            trades,
            commission_micros,
            currency: "USD".into(),
            is_cent: false,
        });
        self
    }

    pub fn run(&self) -> EngineOutput {
        compute(&self.input)
    }
}

/// The amount of one line, in micros.
pub fn line(out: &EngineOutput, affiliate: i64, key: &str) -> i64 {
    out.lines
        .iter()
        .filter(|l| l.affiliate_id == affiliate && l.line_key == key)
        .map(|l| l.amount_micros)
        .sum()
}

/// Everything an affiliate is owed for the period (all its lines).
pub fn payable(out: &EngineOutput, affiliate: i64) -> i64 {
    out.lines
        .iter()
        .filter(|l| l.affiliate_id == affiliate)
        .map(|l| l.amount_micros)
        .sum()
}

/// A fresh store with one program (Europe/Malta, EUR) and a few symbols: EURUSD/GBPUSD (forex, 100,000),
/// XAUUSD (metals, 100), "Volatility 75" (synthetic, 1).
pub fn store() -> (tempfile::TempDir, affops_core::store::Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = affops_core::store::Store::open(dir.path()).unwrap();
    let program_id = store
        .write::<_, affops_core::store::StoreError>(|tx| {
            tx.execute("INSERT INTO programs (name, vertical, currency, timezone, created_at_ms) VALUES ('Demo', 'igaming', 'EUR', 'Europe/Malta', 0)", [])?;
            let id = tx.last_insert_rowid();
            for (s, c, g) in [("EURUSD", 100_000, "forex"), ("GBPUSD", 100_000, "forex"), ("XAUUSD", 100, "metals"), ("Volatility 75", 1, "synthetic")] {
                tx.execute("INSERT INTO symbols (program_id, symbol, contract_size, symbol_group) VALUES (?1, ?2, ?3, ?4)", rusqlite::params![id, s, c, g])?;
            }
            Ok(id)
        })
        .unwrap();
    (dir, store, program_id)
}

/// Inserts an affiliate; returns its id.
pub fn add_affiliate(
    tx: &rusqlite::Transaction<'_>,
    program_id: i64,
    external_id: &str,
    name: &str,
    parent: Option<i64>,
) -> i64 {
    tx.execute("INSERT INTO affiliates (program_id, external_id, name, parent_id, created_at_ms) VALUES (?1, ?2, ?3, ?4, 0)", rusqlite::params![program_id, external_id, name, parent]).unwrap();
    tx.last_insert_rowid()
}

/// Inserts a player registered on `day`, attributed to `affiliate` (None = organic); returns its id.
pub fn add_player(
    tx: &rusqlite::Transaction<'_>,
    program_id: i64,
    external_id: &str,
    day: &str,
    affiliate: Option<i64>,
) -> i64 {
    tx.execute("INSERT INTO players (program_id, external_id, currency, registered_at_ms, day, country, affiliate_id) VALUES (?1, ?2, 'EUR', 0, ?3, 'DE', ?4)", rusqlite::params![program_id, external_id, day, affiliate]).unwrap();
    tx.last_insert_rowid()
}

pub fn add_deposit(
    tx: &rusqlite::Transaction<'_>,
    program_id: i64,
    external_id: &str,
    player: i64,
    day: &str,
    micros: i64,
    ftd: bool,
) {
    tx.execute("INSERT INTO money_movements (program_id, external_id, player_id, kind, amount_micros, currency, occurred_at_ms, day, is_ftd) VALUES (?1, ?2, ?3, 'deposit', ?4, 'EUR', 0, ?5, ?6)", rusqlite::params![program_id, external_id, player, micros, day, ftd as i64]).unwrap();
}

pub fn add_play(tx: &rusqlite::Transaction<'_>, player: i64, day: &str, bets: i64, wins: i64) {
    tx.execute("INSERT INTO player_activity_daily (player_id, day, currency, bets_micros, wins_micros) VALUES (?1, ?2, 'EUR', ?3, ?4)", rusqlite::params![player, day, bets, wins]).unwrap();
}

/// Saves a plan (JSON) and makes it the program default from 2026-01-01.
pub fn default_plan(store: &affops_core::store::Store, json: &str) {
    assign_plan(store, &save_plan(store, json), None, "2026-01-01");
}

/// Saves a plan file's text (JSON) into the default program; its name.
pub fn save_plan(store: &Store, json: &str) -> String {
    use affops_core::commission::plan::{file, saved};
    let plan = file::parse(json, file::PlanFormat::Json).unwrap();
    store
        .write(|tx| -> CommissionResult<()> {
            let program = affops_core::commission::load::program(tx, None)?;
            saved::save_plan(tx, program.id, &plan, 0).map(|_| ())
        })
        .unwrap();
    plan.name
}

/// Puts an affiliate (by external id; none: the program default) on a saved plan from a day on.
pub fn assign_plan(store: &Store, plan: &str, affiliate: Option<&str>, from: &str) {
    assign_plan_by(store, plan, affiliate, from, "test");
}

/// As [`assign_plan`], naming who assigned it.
pub fn assign_plan_by(store: &Store, plan: &str, affiliate: Option<&str>, from: &str, by: &str) {
    use affops_core::commission::plan::saved;
    store
        .write(|tx| -> CommissionResult<()> {
            let program = affops_core::commission::load::program(tx, None)?;
            let plan = saved::load_plan(tx, program.id, plan)?.expect("saved plan");
            let aff = affiliate.map(|a| {
                tx.query_row(
                    "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
                    rusqlite::params![program.id, a],
                    |r| r.get::<_, i64>(0),
                )
                .expect("affiliate")
            });
            saved::assign(tx, program.id, aff, plan.id, from, by, 0)
        })
        .unwrap();
}

fn program(store: &Store) -> CommissionResult<affops_core::programs::Program> {
    store.read(|c| affops_core::commission::load::program(c, None))
}

/// Computes a month as the front door does, as a test tool at `now_ms` (the domain's result, mapped as shown).
pub fn compute_month(
    store: &Store,
    _program: Option<&str>,
    label: &str,
    now_ms: i64,
) -> CommissionResult<ComputeResult> {
    let prog = program(store)?;
    let stamp = Stamp::tool("test", "compute_period", now_ms);
    let o = affops_core::commission::compute::compute_period(store, &prog, label, &stamp)?;
    Ok(affops_core::ops::commission::compute_result(&prog, o, 0))
}

pub fn close(
    store: &Store,
    _program: Option<&str>,
    label: &str,
    actor: &str,
    now_ms: i64,
) -> CommissionResult<PeriodRow> {
    let stamp = Stamp {
        actor: actor.into(),
        ..Stamp::tool("test", "close_period", now_ms)
    };
    affops_core::commission::period::close_period(store, &program(store)?, label, &stamp)
}

pub fn affiliate_statement(
    store: &Store,
    _program: Option<&str>,
    affiliate: &str,
    label: &str,
) -> CommissionResult<Statement> {
    let prog = program(store)?;
    store.read(|c| {
        let p = affops_core::commission::period::find(c, prog.id, label)?
            .ok_or_else(|| CommissionError::NotFound(format!("period {label}")))?;
        let a: i64 = c.query_row(
            "SELECT id FROM affiliates WHERE program_id = ?1 AND external_id = ?2",
            rusqlite::params![prog.id, affiliate],
            |r| r.get(0),
        )?;
        affops_core::commission::statement::build(c, &prog, &p, a)
    })
}

pub fn qualification(
    store: &Store,
    _program: Option<&str>,
    player: &str,
    as_of: &str,
) -> CommissionResult<QualificationChecklist> {
    let prog = program(store)?;
    store.read(|c| affops_core::commission::qualify::checklist(c, &prog, player, as_of))
}

/// A small iGaming world: two affiliates ("502" named to test CSV safety), six players, October activity.
/// CPA 30 (FTD ≥ 20) + 25 % RevShare (bets − wins), hold 10 days.
pub fn igaming_world() -> (tempfile::TempDir, affops_core::store::Store, i64) {
    let (d, store, program_id) = store();
    default_plan(
        &store,
        r#"{"name": "Hybrid", "currency": "EUR", "versions": [{"effective_from": "2026-01-01", "hold_days": 10,
        "components": [{"kind": "cpa", "amount": "30", "qualification": {"min_ftd": "20"}}, {"kind": "rev_share", "percent": "25", "ngr": "bets - wins"}]}]}"#,
    );
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            let a = add_affiliate(tx, program_id, "502", "=HYPERLINK(\"http://evil\")", None);
            let b = add_affiliate(tx, program_id, "777", "Beta Media", None);
            for i in 0..6i64 {
                let aff = match i % 3 {
                    0 => Some(a),
                    1 => Some(b),
                    _ => None,
                };
                let p = add_player(tx, program_id, &format!("P{i}"), "2026-10-02", aff);
                add_deposit(
                    tx,
                    program_id,
                    &format!("D{i}"),
                    p,
                    "2026-10-03",
                    (15 + 5 * i) * M,
                    true,
                );
                add_play(tx, p, "2026-10-04", (100 + 17 * i) * M, (i * 13) * M);
                add_play(tx, p, "2026-10-05", 33_333_333, 0);
            }
            Ok(())
        })
        .unwrap();
    (d, store, program_id)
}
