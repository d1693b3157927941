//! Builders shared by the commission test modules: plans from JSON snippets and engine inputs by hand.

use affops_core::commission::engine::{
    compute, ActivityIn, AffiliateIn, AssignedPlan, DepositIn, EngineInput, EngineOutput, PlayerIn, SymbolIn, TradingIn,
};
use affops_core::commission::plan::formula::Activity;
use affops_core::commission::plan::PlanVersion;
use affops_core::commission::rounding::RoundingMode;

pub const M: i64 = 1_000_000;

/// A plan version from the JSON of its components, plus version-level fields (`"hold_days": 30,` …, each
/// followed by a comma, or empty).
pub fn version(extra: &str, components: &str) -> PlanVersion {
    let json = format!(r#"{{{extra} "effective_from": "2026-01-01", "components": [{components}]}}"#);
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("bad test plan {json}: {e}"))
}

/// An EUR, half-up plan with these components.
pub fn eur(components: &str) -> AssignedPlan {
    assigned(version("", components), "EUR", RoundingMode::HalfUp)
}

pub fn assigned(v: PlanVersion, currency: &str, rounding: RoundingMode) -> AssignedPlan {
    AssignedPlan { plan_name: "test".into(), plan_version_id: 1, version_no: 1, currency: currency.into(), rounding, version: v }
}

pub struct World {
    pub input: EngineInput,
}

impl World {
    /// A one-month period (October 2026).
    pub fn new() -> Self {
        World { input: EngineInput { first_day: "2026-10-01".into(), last_day: "2026-10-31".into(), ..EngineInput::default() } }
    }

    pub fn affiliate(&mut self, id: i64, parent: Option<i64>, plan: Option<AssignedPlan>) -> &mut Self {
        self.input.affiliates.push(AffiliateIn { id, external_id: format!("aff{id}"), parent_id: parent, plan });
        self
    }

    pub fn player(&mut self, id: i64, affiliate: Option<i64>, day: &str, country: &str) -> &mut Self {
        self.input.players.push(PlayerIn { id, external_id: format!("p{id}"), affiliate_id: affiliate, registered_day: day.into(), country: country.into(), currency: "EUR".into() });
        self
    }

    pub fn deposit(&mut self, id: i64, player: i64, day: &str, micros: i64, ftd: bool) -> &mut Self {
        self.input.deposits.push(DepositIn { id, player_id: player, day: day.into(), amount_micros: micros, currency: "EUR".into(), is_ftd: ftd });
        self
    }

    /// A day of play: bets and wins (NGR = bets − wins with the default formula and nothing else).
    pub fn play(&mut self, player: i64, day: &str, bets: i64, wins: i64) -> &mut Self {
        self.input.activity.push(ActivityIn { player_id: player, day: day.into(), currency: "EUR".into(), activity: Activity { bets, wins, ..Activity::default() } });
        self
    }

    pub fn symbol(&mut self, s: &str, contract_size: i64, group: &str) -> &mut Self {
        self.input.symbols.insert(s.into(), SymbolIn { contract_size, group: group.into() });
        self
    }

    /// Trading of a player's account: volume in base units (micros), trade count, commission (micros).
    pub fn trade(&mut self, player: i64, day: &str, symbol: &str, volume_micros: i64, trades: u32, commission_micros: i64) -> &mut Self {
        self.input.trading.push(TradingIn { player_id: player, account_id: 1000 + player, day: day.into(), symbol: symbol.into(), volume_micros, trades, commission_micros, currency: "USD".into(), is_cent: false });
        self
    }

    pub fn run(&self) -> EngineOutput {
        compute(&self.input)
    }
}

/// The amount of one line, in micros.
pub fn line(out: &EngineOutput, affiliate: i64, key: &str) -> i64 {
    out.lines.iter().filter(|l| l.affiliate_id == affiliate && l.line_key == key).map(|l| l.amount_micros).sum()
}

/// Everything an affiliate is owed for the period (all its lines).
pub fn payable(out: &EngineOutput, affiliate: i64) -> i64 {
    out.lines.iter().filter(|l| l.affiliate_id == affiliate).map(|l| l.amount_micros).sum()
}

/// A fresh store with one program (Europe/Malta, EUR) and a few symbols: EURUSD/GBPUSD (forex, 100,000),
/// XAUUSD (metals, 100), "Volatility 75" (synthetic, 1).
pub fn store() -> (tempfile::TempDir, affops_core::store::Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = affops_core::store::Store::open(dir.path()).unwrap();
    let program_id = store
        .write(|tx| {
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
