//! Choosing the program: a workspace set up like the demo (a casino and a Forex broker) lists both programs with
//! their counts, every program-scoped read honours the name it is given, the default (no name) is unchanged, and
//! the broker's dashboard shows its trading (accounts, opening trades, lots) computed independently from the
//! sandbox world — the desktop's program switcher relies on all of it.

use crate::front_door::console_as;
use crate::sync::{env_with, sync};
use affops_core::api::{DashboardQuery, ErrorCode, PromoCodeRequest, Role};
use affops_core::ops::{self, Console, Ctx};
use affops_sandbox::world::DealEntry;
use affops_sandbox::WorldConfig;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

fn query() -> DashboardQuery {
    DashboardQuery::default()
}

/// The console's session acting on `program` (none: the default program).
fn on(c: &Console, program: Option<&str>) -> Ctx {
    ops::workspace::select_program(&c.ctx(), program.map(str::to_string)).expect("program");
    c.ctx()
}

#[tokio::test]
async fn each_program_is_listed_and_every_read_honours_the_chosen_one() {
    let e = env_with(WorldConfig {
        forex: true,
        ..WorldConfig::small(41)
    })
    .await;
    sync(&e).await;
    let fx = e.world.forex.as_ref().unwrap();
    let (casino, broker) = (e.world.program.name.as_str(), fx.program.name.as_str());

    // The list: both programs, the casino the default, counts from the world.
    let list = affops_core::programs::list(&e.ws).unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let c = list.iter().find(|p| p.name == casino).unwrap();
    let b = list.iter().find(|p| p.name == broker).unwrap();
    assert!(
        c.is_default && !b.is_default,
        "the casino stays the default"
    );
    assert_eq!(
        (c.vertical.as_str(), b.vertical.as_str()),
        ("igaming", "forex")
    );
    assert_eq!(b.currency, fx.program.currency);
    assert_eq!(
        b.affiliates as usize,
        fx.ibs.len(),
        "IBs are the broker's affiliates"
    );
    assert_eq!(b.accounts as usize, fx.accounts.len());
    assert_eq!(c.accounts, 0, "a casino has no trading accounts");
    assert!(c.players > 0 && c.data_range.is_some() && b.data_range.is_some());

    let c = console_as(&e.ws, Role::Manager, crate::sync::now_ms(&e.world));
    // Dashboard: no name = the casino exactly as before; the broker's is its own.
    let default = ops::reports::dashboard(&on(&c, None), query()).unwrap();
    let named = ops::reports::dashboard(&on(&c, Some(casino)), query()).unwrap();
    assert_eq!(default.program, casino);
    assert_eq!(
        (default.rows.clone(), default.totals.clone()),
        (named.rows, named.totals)
    );
    assert!(
        default.trading.is_none(),
        "an iGaming dashboard has no trading block"
    );
    let d = ops::reports::dashboard(&on(&c, Some(broker)), query()).unwrap();
    assert_eq!((d.program.as_str(), d.vertical.as_str()), (broker, "forex"));
    assert_eq!(d.currency, fx.program.currency);
    assert_eq!(
        d.period,
        b.data_range.clone().unwrap(),
        "the broker's own data range"
    );
    assert!(d.daily_ftd_svg.contains("Daily opening trades"));

    // Its trading, recomputed from the world: opening trades, lots (cent accounts 1/100) and accounts per IB.
    let acct: BTreeMap<u64, _> = fx.accounts.iter().map(|a| (a.login, a)).collect();
    let mut trades: BTreeMap<String, u32> = BTreeMap::new();
    let mut lots: BTreeMap<String, Decimal> = BTreeMap::new();
    for deal in fx
        .deals
        .iter()
        .filter(|d| !d.symbol.is_empty() && d.entry == DealEntry::In)
    {
        let a = acct[&deal.login];
        let ib = a.ib_id.map(|i| i.to_string()).unwrap_or_default();
        *trades.entry(ib.clone()).or_default() += 1;
        let l = if a.is_cent {
            deal.volume / Decimal::ONE_HUNDRED
        } else {
            deal.volume
        };
        *lots.entry(ib).or_default() += l;
    }
    let round = |v: Decimal| {
        let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        r.to_string()
    };
    let t = d.trading.expect("a Forex dashboard carries its trading");
    assert_eq!(t.trades, trades.values().sum::<u32>());
    assert_eq!(t.lots, round(lots.values().copied().sum()));
    assert_eq!(
        t.accounts_opened as usize,
        fx.accounts.len(),
        "every account opens within the world"
    );
    for r in &t.rows {
        assert_eq!(
            r.trades,
            trades.get(&r.affiliate_id).copied().unwrap_or(0),
            "trades of IB {}",
            r.affiliate_id
        );
        assert_eq!(
            r.lots,
            round(lots.get(&r.affiliate_id).copied().unwrap_or_default()),
            "lots of IB {}",
            r.affiliate_id
        );
    }
    assert!(t.trades > 0 && !t.rows.is_empty(), "the world trades");

    // Coverage: the broker has no tracker conversions; the casino's are all there.
    let cov_b = ops::reports::coverage(&on(&c, Some(broker)), query()).unwrap();
    assert_eq!(cov_b.totals.total, 0);
    let cov_all = ops::reports::coverage(&on(&c, None), query()).unwrap();
    let cov_c = ops::reports::coverage(&on(&c, Some(casino)), query()).unwrap();
    assert_eq!(cov_c.totals.total, cov_all.totals.total);

    // The broker's affiliates are its IBs.
    let page = ops::attribution::list_affiliates(&on(&c, Some(broker)), query()).unwrap();
    assert_eq!(page.rows.len(), fx.ibs.len());

    // Click/btag attribution never runs over a broker's clients (it would unlink them from their IBs).
    let linked = |e: &crate::sync::Env| -> i64 {
        e.ws.store()
            .read::<_, affops_core::store::StoreError>(|c| Ok(c.query_row("SELECT COUNT(*) FROM players p JOIN programs pr ON pr.id = p.program_id WHERE pr.vertical = 'forex' AND p.affiliate_id IS NOT NULL", [], |r| r.get(0))?))
            .unwrap()
    };
    let before = linked(&e);
    let err = ops::attribution::run_attribution(&on(&c, Some(broker))).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("iGaming"), "{}", err.message);
    let promo = PromoCodeRequest {
        code: "FX".into(),
        affiliate: "1".into(),
        ..PromoCodeRequest::default()
    };
    let err = ops::attribution::set_promo_code(&on(&c, Some(broker)), promo).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(linked(&e), before);
    assert!(before > 0);
    ops::attribution::run_attribution(&on(&c, Some(casino))).unwrap();

    // An unknown program is a clear error naming the known ones, everywhere.
    let err = ops::workspace::select_program(&c.ctx(), Some("Nope".into())).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(
        err.message.contains("\"Nope\"") && err.message.contains(broker),
        "{}",
        err.message
    );
    assert_eq!(
        c.session().and_then(|s| s.program).as_deref(),
        Some(casino),
        "a refused choice keeps the session's program"
    );
}
