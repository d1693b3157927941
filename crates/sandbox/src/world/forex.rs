//! The Forex broker program: introducing brokers (IBs, some under a master IB), client accounts (standard or
//! cent), symbols with their contract sizes, and MT5-shaped deals. Generated from its own stream when
//! `WorldConfig::forex` is on; churning is planted here too, since it is made of deals.
//!
//! Lots are what MT5 reports per deal (2 dp). A cent account trades the "c" variant of a symbol, whose contract
//! size is 1/100 of the standard one, so standard lots = lots × contract size / standard contract size.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::Serialize;

use super::draw::{cents, random_country};
use super::{rng, Injected, Pattern, Program, WorldConfig};

/// (name, standard contract size, price digits, typical price in points).
const SYMBOLS: &[(&str, i64, u32, i64)] = &[
    ("EURUSD", 100_000, 5, 108_000),
    ("XAUUSD", 100, 2, 240_000),
    ("US30", 1, 1, 420_000),
    ("BTCUSD", 1, 2, 6_500_000),
];
/// Cent symbols carry this suffix and 1/CENT_SCALE of the contract size.
pub const CENT_SUFFIX: &str = "c";
const CENT_SCALE: i64 = 100;
const FIRST_LOGIN: u64 = 5_000_001;
const FIRST_TICKET: u64 = 1_000_001;
const FIRST_POSITION: u64 = 7_000_001;
const CENT_ACCOUNT_PER_MILLE: u32 = 300;
const DIRECT_CLIENT_PER_MILLE: u32 = 200;
const SUB_IB_PER_MILLE: u32 = 300;
const SEPARATE_COMMISSION_PER_MILLE: u32 = 250;
/// Commission per standard lot per side on standard accounts (USD cents).
const COMMISSION_PER_LOT_CENTS: i64 = 350;
/// Round trips per account at most, and their hold times (seconds).
const TRIPS_MAX: u32 = 30;
const HOLD_SECS: std::ops::Range<i64> = 300..3 * 86_400;
/// Churning: round trips per churning client, held this briefly.
const CHURN_TRIPS: u32 = 40;
const CHURN_HOLD_SECS: std::ops::RangeInclusive<i64> = 5..=60;
const CHURN_CLIENTS: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ib {
    pub id: u32,
    pub name: String,
    pub parent_id: Option<u32>,
    pub email: String,
    /// USD per standard lot the broker pays this IB.
    pub rebate_per_lot: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub login: u64,
    /// `None`: a direct client, no IB earns on it.
    pub ib_id: Option<u32>,
    /// "USD", or "USC" (US cents) for cent accounts.
    pub currency: String,
    pub is_cent: bool,
    /// Charged per round trip as a separate COMMISSION deal (ECN style) instead of on the IN/OUT deals.
    pub separate_commission: bool,
    pub registered_at: DateTime<Utc>,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Symbol {
    pub name: String,
    pub contract_size: Decimal,
    pub digits: u32,
    pub is_cent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DealType {
    Buy,
    Sell,
    Balance,
    Commission,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DealEntry {
    In,
    Out,
}

/// One MT5 deal. Money fields are in the account's currency, 2 dp.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deal {
    pub ticket: u64,
    pub login: u64,
    pub kind: DealType,
    pub entry: DealEntry,
    /// Empty for BALANCE and COMMISSION deals.
    pub symbol: String,
    /// Lots, 2 dp; 0 for BALANCE and COMMISSION deals.
    pub volume: Decimal,
    pub price: Decimal,
    pub commission: Decimal,
    pub swap: Decimal,
    pub profit: Decimal,
    /// Shared by the IN and OUT deal of one round trip; 0 for non-trading deals.
    pub position_id: u64,
    pub time: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ForexWorld {
    pub program: Program,
    pub ibs: Vec<Ib>,
    pub accounts: Vec<Account>,
    pub symbols: Vec<Symbol>,
    /// Sorted by (time, ticket).
    pub deals: Vec<Deal>,
}

impl ForexWorld {
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }
}

fn symbols() -> Vec<Symbol> {
    let mut out = Vec::new();
    for &(name, size, digits, _) in SYMBOLS {
        out.push(Symbol {
            name: name.to_owned(),
            contract_size: Decimal::from(size),
            digits,
            is_cent: false,
        });
        out.push(Symbol {
            name: format!("{name}{CENT_SUFFIX}"),
            contract_size: Decimal::from(size) / Decimal::from(CENT_SCALE),
            digits,
            is_cent: true,
        });
    }
    out
}

struct Gen {
    rng: ChaCha8Rng,
    deals: Vec<Deal>,
    next_position: u64,
    end: DateTime<Utc>,
}

pub(super) fn generate(cfg: &WorldConfig, injected: &mut Vec<Injected>) -> ForexWorld {
    let mut rng = rng::stream(cfg.seed, rng::FOREX);
    let ib_count = (cfg.affiliates / 2).max(3);
    let mut ibs = Vec::new();
    for id in 1..=ib_count {
        let parent_id = (id > 2 && rng.random_range(0..1000) < SUB_IB_PER_MILLE)
            .then(|| rng.random_range(1..=2));
        ibs.push(Ib {
            id,
            name: format!("IB Partner {id:03}"),
            parent_id,
            email: format!("ib{id}@fx-partners.example"),
            rebate_per_lot: cents(rng.random_range(2..=10) * 100),
        });
    }
    let start = cfg.start_instant();
    let end = cfg.end_instant();
    let span = (end - start).num_seconds().max(1);
    let account_count = (cfg.affiliates * 6).max(10);
    let mut accounts = Vec::new();
    for i in 0..u64::from(account_count) {
        let is_cent = rng.random_range(0..1000) < CENT_ACCOUNT_PER_MILLE;
        let ib_id = (rng.random_range(0..1000) >= DIRECT_CLIENT_PER_MILLE)
            .then(|| rng.random_range(1..=ib_count));
        accounts.push(Account {
            login: FIRST_LOGIN + i,
            ib_id,
            currency: if is_cent { "USC" } else { "USD" }.to_owned(),
            is_cent,
            separate_commission: rng.random_range(0..1000) < SEPARATE_COMMISSION_PER_MILLE,
            registered_at: start + Duration::seconds(rng.random_range(0..span * 2 / 3)),
            country: random_country(&mut rng).to_owned(),
        });
    }
    accounts.sort_by_key(|a| (a.registered_at, a.login));
    let mut g = Gen {
        rng,
        deals: Vec::new(),
        next_position: FIRST_POSITION,
        end,
    };
    for a in &accounts {
        let deposit_at = a.registered_at + Duration::seconds(g.rng.random_range(600..48 * 3_600));
        if deposit_at >= end {
            continue;
        }
        let usd_cents = g.rng.random_range(100..=5_000) * 100;
        let amount = if a.is_cent {
            usd_cents * CENT_SCALE
        } else {
            usd_cents
        };
        g.push_balance(a.login, deposit_at, amount);
        for _ in 0..g
            .rng
            .random_range(0..=cfg.forex_trips_max.unwrap_or(TRIPS_MAX))
        {
            let open = deposit_at + Duration::seconds(g.rng.random_range(60..span.max(61)));
            let hold = g.rng.random_range(HOLD_SECS);
            let sym = g.rng.random_range(0..SYMBOLS.len());
            let lots = g.rng.random_range(1..=200);
            g.round_trip(a, sym, lots, open, hold);
        }
    }
    let mut churn_positions: Vec<(u32, Vec<u64>, Vec<u64>)> = Vec::new();
    for _ in 0..cfg.fraud.forex_churning {
        let ib = g.rng.random_range(1..=ib_count);
        let clients: Vec<&Account> = accounts
            .iter()
            .filter(|a| a.ib_id == Some(ib))
            .take(CHURN_CLIENTS)
            .collect();
        let (mut logins, mut positions) = (Vec::new(), Vec::new());
        for a in clients {
            logins.push(a.login);
            let mut at =
                a.registered_at + Duration::seconds(g.rng.random_range(3 * 3_600..24 * 3_600));
            for _ in 0..CHURN_TRIPS {
                let hold = g.rng.random_range(CHURN_HOLD_SECS);
                if let Some(p) = g.round_trip(a, 0, 100, at, hold) {
                    positions.push(p);
                }
                at += Duration::seconds(hold + g.rng.random_range(5..120));
            }
        }
        churn_positions.push((ib, logins, positions));
    }
    let mut deals = g.deals;
    deals.sort_by_key(|d| (d.time, d.login, d.position_id, d.entry == DealEntry::Out));
    for (i, d) in deals.iter_mut().enumerate() {
        d.ticket = FIRST_TICKET + i as u64;
    }
    for (ib, logins, positions) in churn_positions {
        let mut item = Injected::new(
            Pattern::ForexChurning,
            format!(
                "{} round trips of 1.00 lot EURUSD held 5-60 s by {} clients",
                positions.len(),
                logins.len()
            ),
        );
        item.ib_id = Some(ib);
        item.logins = logins;
        item.deals = deals
            .iter()
            .filter(|d| positions.contains(&d.position_id))
            .map(|d| d.ticket)
            .collect();
        injected.push(item);
    }
    ForexWorld {
        program: Program {
            name: "Demo Broker".to_owned(),
            currency: "USD".to_owned(),
            timezone: "UTC".to_owned(),
        },
        ibs,
        accounts,
        symbols: symbols(),
        deals,
    }
}

impl Gen {
    fn push_balance(&mut self, login: u64, time: DateTime<Utc>, amount_cents: i64) {
        self.deals.push(Deal {
            ticket: 0,
            login,
            kind: DealType::Balance,
            entry: DealEntry::In,
            symbol: String::new(),
            volume: Decimal::ZERO,
            price: Decimal::ZERO,
            commission: Decimal::ZERO,
            swap: Decimal::ZERO,
            profit: cents(amount_cents),
            position_id: 0,
            time,
        });
    }

    /// An IN and an OUT deal of `lots_hundredths`/100 lots; `None` when it would not close inside the world.
    fn round_trip(
        &mut self,
        a: &Account,
        sym: usize,
        lots_hundredths: i64,
        open: DateTime<Utc>,
        hold_secs: i64,
    ) -> Option<u64> {
        let close = open + Duration::seconds(hold_secs);
        if close >= self.end {
            return None;
        }
        let (name, size, digits, base) = SYMBOLS[sym];
        let open_points = base * self.rng.random_range(995..=1_005) / 1_000;
        let close_points = open_points * self.rng.random_range(997..=1_003) / 1_000;
        let buy = self.rng.random_range(0..2) == 0;
        let direction = if buy { 1 } else { -1 };
        let lots = cents(lots_hundredths);
        // Profit in account currency: (close − open) × lots × contract size; a cent account's contract is 1/100
        // of the standard one but its currency is cents, so the two scales cancel.
        let diff = Decimal::new((close_points - open_points) * direction, digits);
        let profit = (diff * lots * Decimal::from(size)).round_dp(2);
        let per_side = cents(COMMISSION_PER_LOT_CENTS * lots_hundredths / 100);
        // $3.50 per standard lot is 3.50 USC per cent lot (1/100 of the size, in cents): the scales cancel.
        let commission = if a.separate_commission {
            Decimal::ZERO
        } else {
            -per_side
        };
        let symbol = if a.is_cent {
            format!("{name}{CENT_SUFFIX}")
        } else {
            name.to_owned()
        };
        let position_id = self.next_position;
        self.next_position += 1;
        let swap = if hold_secs > 86_400 {
            cents(-self.rng.random_range(10..500))
        } else {
            Decimal::ZERO
        };
        let deal = |kind, entry, price_points, commission, swap, profit, time| Deal {
            ticket: 0,
            login: a.login,
            kind,
            entry,
            symbol: symbol.clone(),
            volume: lots,
            price: Decimal::new(price_points, digits),
            commission,
            swap,
            profit,
            position_id,
            time,
        };
        let (open_kind, close_kind) = if buy {
            (DealType::Buy, DealType::Sell)
        } else {
            (DealType::Sell, DealType::Buy)
        };
        self.deals.push(deal(
            open_kind,
            DealEntry::In,
            open_points,
            commission,
            Decimal::ZERO,
            Decimal::ZERO,
            open,
        ));
        self.deals.push(deal(
            close_kind,
            DealEntry::Out,
            close_points,
            commission,
            swap,
            profit,
            close,
        ));
        if a.separate_commission {
            self.deals.push(Deal {
                kind: DealType::Commission,
                entry: DealEntry::In,
                symbol: String::new(),
                volume: Decimal::ZERO,
                price: Decimal::ZERO,
                commission: -per_side * Decimal::TWO,
                position_id: 0,
                time: close + Duration::seconds(1),
                ..deal(
                    DealType::Commission,
                    DealEntry::In,
                    0,
                    Decimal::ZERO,
                    Decimal::ZERO,
                    Decimal::ZERO,
                    close,
                )
            });
        }
        Some(position_id)
    }
}
