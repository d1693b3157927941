//! Attributes added after v0 to the clean records: sub-affiliate links, affiliate contacts and promo codes, player
//! identities (device, IP, email) and promo-code-only sign-ups, payment instrument hashes. Each part draws from
//! its own stream, so the v0 records they decorate are unchanged.

use std::collections::BTreeMap;

use rand::Rng;

use super::catalog::{EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, PROMO_PREFIXES};
use super::draw::{hex_token, random_ip};
use super::{rng, Affiliate, Deposit, Player};

/// Affiliates 1..=this are always top-level: a program starts with masters before it recruits subs.
const MASTERS_MIN: u32 = 3;
/// Share of later affiliates who joined as a sub-affiliate of an earlier top-level one.
const SUB_AFFILIATE_PER_MILLE: u32 = 300;
/// Share of click-referred players who also typed their affiliate's promo code.
const CLICK_PROMO_PER_MILLE: u32 = 100;
/// Share of organic players who typed some affiliate's promo code (no click): attributable by promo code only.
const PROMO_ONLY_PER_MILLE: u32 = 300;
/// Share of players who pay with a second instrument after their first deposit.
const SECOND_INSTRUMENT_PER_MILLE: u32 = 150;

pub(super) fn affiliates(seed: u64, affiliates: &mut [Affiliate]) {
    let mut rng = rng::stream(seed, rng::AFFILIATE_EXTRAS);
    let mut masters: Vec<u32> = Vec::new();
    for a in affiliates.iter_mut() {
        if a.id > MASTERS_MIN
            && !masters.is_empty()
            && rng.random_range(0..1000) < SUB_AFFILIATE_PER_MILLE
        {
            a.parent_id = Some(masters[rng.random_range(0..masters.len())]);
        } else {
            masters.push(a.id);
        }
        let slug: String = a
            .name
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        a.email = format!("partners@{slug}.example");
        a.ip = random_ip(&mut rng);
        a.promo_code = format!(
            "{}-A{}",
            PROMO_PREFIXES[rng.random_range(0..PROMO_PREFIXES.len())],
            a.id
        );
    }
}

/// A player's email: unique by construction (the player number is in it), so clean worlds never look like
/// multi-accounting by accident.
pub(super) fn email_for(rng: &mut rand_chacha::ChaCha8Rng, number: &str) -> String {
    format!(
        "{}.{}{}@{}",
        FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())],
        LAST_NAMES[rng.random_range(0..LAST_NAMES.len())],
        number.trim_start_matches(|c: char| !c.is_ascii_digit()),
        EMAIL_DOMAINS[rng.random_range(0..EMAIL_DOMAINS.len())]
    )
}

pub(super) fn players(seed: u64, affiliates: &[Affiliate], players: &mut [Player]) {
    let mut rng = rng::stream(seed, rng::PLAYER_EXTRAS);
    for p in players.iter_mut() {
        p.device_id = format!("dev-{}", hex_token(&mut rng, 16));
        p.ip = random_ip(&mut rng);
        p.ip_country = p.country.clone();
        p.email = email_for(&mut rng, &p.player_id);
        let roll = rng.random_range(0..1000);
        p.promo_code = match p.affiliate_id {
            Some(aff) if roll < CLICK_PROMO_PER_MILLE => affiliates
                .iter()
                .find(|a| a.id == aff)
                .map(|a| a.promo_code.clone()),
            None if roll < PROMO_ONLY_PER_MILLE && !affiliates.is_empty() => Some(
                affiliates[rng.random_range(0..affiliates.len())]
                    .promo_code
                    .clone(),
            ),
            _ => None,
        };
    }
}

pub(super) fn payment_hash(rng: &mut rand_chacha::ChaCha8Rng) -> String {
    format!("ph_{}", hex_token(rng, 24))
}

pub(super) fn deposits(seed: u64, deposits: &mut [Deposit]) {
    let mut rng = rng::stream(seed, rng::MONEY);
    let mut instruments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in deposits.iter_mut() {
        let owned = instruments.entry(d.player_id.clone()).or_default();
        if owned.is_empty()
            || (owned.len() == 1 && rng.random_range(0..1000) < SECOND_INSTRUMENT_PER_MILLE)
        {
            owned.push(payment_hash(&mut rng));
        }
        d.payment_hash = owned[owned.len() - 1].clone();
    }
}
