//! Ground truth: attribution with the default rules, run on a sandbox world synced through the real connectors,
//! gives every player exactly the affiliate the world assigned (click first, else the affiliate's promo code),
//! with the same kind of key. Two seeds, one of them with fraud patterns and integration faults planted.

use std::collections::BTreeMap;

use affops_core::api::{AttributionRunSummary, KeyKind};
use affops_core::attribution;
use affops_sandbox::{TruthKey, WorldConfig};

use crate::sync::{env, env_with, now_ms, sync, Env};

/// Enters the world's affiliates' promo codes, as a manager would from the affiliates' contracts (the tracker's
/// affiliate list does not carry them), then runs attribution.
pub(crate) fn attribute(e: &Env) -> AttributionRunSummary {
    let store = e.ws.store();
    let program = store
        .read(|c| {
            attribution::program_id(c, None)
                .map_err(|e| affops_core::store::StoreError::Invalid(e.to_string()))
        })
        .unwrap();
    let now = now_ms(&e.world);
    store
        .write::<_, affops_core::store::StoreError>(|tx| {
            for a in &e.world.affiliates {
                let known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM affiliates WHERE program_id = ?1 AND external_id = ?2)",
                    rusqlite::params![program, a.id.to_string()],
                    |r| r.get(0),
                )?;
                if known && !a.promo_code.is_empty() {
                    attribution::promo::set(tx, program, &a.promo_code, &a.id.to_string(), None, None, now)
                        .map_err(|e| affops_core::store::StoreError::Invalid(e.to_string()))?;
                }
            }
            Ok(())
        })
        .unwrap();
    attribution::run(store, program, now).unwrap()
}

/// (player external id) → (affiliate external id, key kind) as stored.
fn stored(e: &Env) -> BTreeMap<String, Option<(String, KeyKind)>> {
    e.ws.store()
        .read::<_, affops_core::store::StoreError>(|c| {
            let mut stmt = c.prepare(
                "SELECT p.external_id, af.external_id, pa.key_kind, p.affiliate_id IS pa.affiliate_id
                   FROM players p JOIN player_attribution pa ON pa.player_id = p.id
                   LEFT JOIN affiliates af ON af.id = pa.affiliate_id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    let aff: Option<String> = r.get(1)?;
                    let kind: Option<String> = r.get(2)?;
                    assert!(r.get::<_, bool>(3)?, "players.affiliate_id equals the decision");
                    Ok((r.get(0)?, aff.zip(kind.and_then(|k| KeyKind::parse(&k)))))
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .unwrap()
}

async fn check(e: Env) {
    assert!(sync(&e).await.failures.is_empty());
    let first = attribute(&e);
    let world = e.world.player_affiliates();
    let got = stored(&e);
    assert_eq!(got.len(), world.len(), "every world player has a decision");
    let mut promo_only = 0;
    for (player, truth) in &world {
        let expected = truth.map(|(aff, key)| {
            let kind = match key {
                TruthKey::Click => KeyKind::ClickId,
                TruthKey::PromoCode => {
                    promo_only += 1;
                    KeyKind::PromoCode
                }
            };
            (aff.to_string(), kind)
        });
        assert_eq!(got[*player], expected, "player {player}");
    }
    assert!(
        promo_only > 0,
        "the world has promo-code-only players (the case the old truth got wrong)"
    );
    assert_eq!(first.attributed + first.organic, first.examined);
    // A second run decides nothing new.
    let second = attribute(&e);
    assert_eq!(second.changed, 0, "{second:?}");
}

#[tokio::test]
async fn default_rules_reproduce_the_worlds_assignment_on_two_seeds() {
    check(env(3).await).await;
    let mut cfg = WorldConfig::small(8);
    cfg.fraud = affops_sandbox::FraudConfig::typical();
    cfg.faults_injected = affops_sandbox::IntegrationFaults::typical();
    check(env_with(cfg).await).await;
}
