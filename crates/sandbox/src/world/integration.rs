//! Integration faults ([`super::IntegrationFaults`]): ways the tracker's conversions disagree with the operator's
//! FTDs even though nobody cheated. Applied to clean conversions only, each chosen at most once, so every fault
//! is unambiguous in the answer key. (Timezone shifts live with the activity days, where they show.)

use chrono::Duration;
use rand::seq::index::sample;
use rand::Rng;
use rust_decimal::Decimal;

use super::{rng, Conversion, ConversionStatus, Deposit, Injected, Pattern, WorldConfig};

/// A duplicate postback arrives this many seconds after the first, at most (a tracker retry).
const DUPLICATE_DELAY_SECS_MAX: i64 = 90;
/// A late approval comes 1..=this many days after the conversion.
const LATE_DAYS_MAX: i64 = 7;
/// A wrong sale amount is off by 5..=this percent.
const WRONG_PERCENT_MAX: i64 = 20;

pub(super) fn inject(
    cfg: &WorldConfig,
    deposits: &[Deposit],
    conversions: &mut Vec<Conversion>,
) -> Vec<Injected> {
    let f = cfg.faults_injected;
    let wanted =
        (f.missing_postbacks + f.duplicate_postbacks + f.late_status_changes + f.wrong_amounts)
            as usize;
    let clean: Vec<usize> = (0..conversions.len())
        .filter(|&i| !conversions[i].conversion_id.starts_with("cX"))
        .collect();
    if wanted == 0 || clean.is_empty() {
        return Vec::new();
    }
    let mut rng = rng::stream(cfg.seed, rng::INTEGRATION);
    let mut picked: Vec<usize> = sample(&mut rng, clean.len(), wanted.min(clean.len()))
        .into_iter()
        .map(|i| clean[i])
        .collect();
    let last_instant = cfg.end_instant() - Duration::seconds(1);
    let mut injected = Vec::new();
    let mut take = |n: u32| {
        picked
            .drain(..(n as usize).min(picked.len()))
            .collect::<Vec<_>>()
    };
    let (missing, dups, late, wrong) = (
        take(f.missing_postbacks),
        take(f.duplicate_postbacks),
        take(f.late_status_changes),
        take(f.wrong_amounts),
    );
    // A late approval comes at least a day after its conversion, inside the world: a conversion of the world's
    // last day cannot show one, so the latest earlier clean conversion picked for nothing else stands in for it.
    let latest = last_instant - Duration::days(1);
    let mut used: std::collections::BTreeSet<usize> = missing
        .iter()
        .chain(&dups)
        .chain(&late)
        .chain(&wrong)
        .copied()
        .collect();
    let late: Vec<usize> = late
        .into_iter()
        .map(|i| {
            if conversions[i].converted_at <= latest {
                return i;
            }
            let stand_in = clean
                .iter()
                .copied()
                .filter(|j| !used.contains(j) && conversions[*j].converted_at <= latest)
                .max_by_key(|j| (conversions[*j].converted_at, *j));
            match stand_in {
                Some(j) => {
                    used.insert(j);
                    j
                }
                None => i,
            }
        })
        .collect();
    for &i in &dups {
        let mut copy = conversions[i].clone();
        let mut item = Injected::new(Pattern::DuplicatePostback, "");
        copy.conversion_id = format!("{}-2", copy.conversion_id);
        copy.converted_at += Duration::seconds(rng.random_range(1..=DUPLICATE_DELAY_SECS_MAX));
        copy.updated_at = copy.converted_at.max(copy.updated_at);
        item.note = format!(
            "{} and {} are the same FTD (click {}, order {})",
            conversions[i].conversion_id, copy.conversion_id, copy.transaction_id, copy.deposit_id
        );
        fill(&mut item, &conversions[i]);
        item.conversions.push(copy.conversion_id.clone());
        injected.push(item);
        conversions.push(copy);
    }
    for &i in &late {
        let c = &mut conversions[i];
        c.initial_status = ConversionStatus::Pending;
        c.status = ConversionStatus::Approved;
        c.updated_at = (c.converted_at + Duration::days(rng.random_range(1..=LATE_DAYS_MAX)))
            .min(last_instant);
        let mut item = Injected::new(
            Pattern::LateStatusChange,
            format!(
                "pending at {}, approved at {}",
                c.converted_at, c.updated_at
            ),
        );
        fill(&mut item, c);
        injected.push(item);
    }
    for &i in &wrong {
        let c = &mut conversions[i];
        let operator = deposits
            .iter()
            .find(|d| d.deposit_id == c.deposit_id)
            .map_or(c.sale_amount, |d| d.amount);
        let percent = rng.random_range(5..=WRONG_PERCENT_MAX)
            * if rng.random_range(0..2) == 0 { 1 } else { -1 };
        c.sale_amount = (operator * Decimal::new(100 + percent, 2)).round_dp(2);
        let mut item = Injected::new(
            Pattern::WrongAmount,
            format!(
                "tracker sale_amount {} vs operator deposit {operator}",
                c.sale_amount
            ),
        );
        fill(&mut item, c);
        injected.push(item);
    }
    let mut removed: Vec<usize> = missing.clone();
    removed.sort_unstable();
    for &i in removed.iter().rev() {
        let c = conversions.remove(i);
        let mut item = Injected::new(
            Pattern::MissingPostback,
            format!(
                "the tracker never recorded {} for this FTD",
                c.conversion_id
            ),
        );
        fill(&mut item, &c);
        item.conversions.clear(); // the conversion does not exist in the world
        injected.push(item);
    }
    conversions.sort_by_key(|c| c.converted_at);
    injected
}

fn fill(item: &mut Injected, c: &Conversion) {
    item.affiliate_id = Some(c.affiliate_id);
    item.clicks.push(c.transaction_id.clone());
    item.players.push(c.player_id.clone());
    item.deposits.push(c.deposit_id.clone());
    item.conversions.push(c.conversion_id.clone());
}
