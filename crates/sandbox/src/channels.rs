//! How each of a world's conversions reaches Affops, for the demo: the tracker's API (pulled), the operator's
//! S2S postback, a pixel fired by the player's browser, or a monthly batch file. Real programs mix all four, and
//! the mix differs per affiliate — which is what Affops' coverage report is for.
//!
//! [`split_channels`] takes the non-API conversions out of the world (so the tracker's API no longer serves them)
//! and returns them as deliveries: each S2S postback and pixel hit as a `path?query` with the instant it is sent,
//! and the batch ones as one file in the `conversions` import layout. The postbacks and pixels speak the Keitaro
//! dialect (it carries a status): an S2S postback is sent when the conversion happens and again when its status
//! changes; a pixel only once, with the status the thank-you page knew — a later rejection never reaches it, one
//! of the reasons pixel tracking is the least trusted channel.

use crate::postback::Dialect;
use crate::world::{Conversion, ConversionStatus, World};

/// One conversion's channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Channel {
    Api,
    S2s,
    Pixel,
    Batch,
}

/// Per-affiliate mix, percent of conversions by (pixel, S2S, batch); the rest come by the API. Chosen by
/// affiliate id so every affiliate keeps one setup over the world's life, and a seeded world stays seeded.
fn mix(affiliate_id: u32) -> (u64, u64, u64) {
    match affiliate_id % 6 {
        0 => (75, 0, 0), // a pixel-only setup (a few conversions still reach the tracker's API)
        1 => (0, 90, 0), // server-to-server postbacks
        2 => (0, 0, 100), // the network sends monthly files
        3 => (20, 40, 0), // a mixed setup
        _ => (0, 0, 0),
    }
}

/// A stable number in 0..100 from the conversion's id (FNV-1a): the same conversion always takes the same channel.
fn bucket(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % 100
}

/// The channel `c` reaches Affops by. A conversion without a click (a promo-code player) or booked on a promo code
/// is the tracker's own record — postbacks and pixels are keyed by the click id, and a code's owner is known to
/// the tracker, not to the link — so it comes by the API.
pub fn channel(c: &Conversion) -> Channel {
    if c.transaction_id.is_empty() || !c.coupon_code.is_empty() {
        return Channel::Api;
    }
    let (pixel, s2s, batch) = mix(c.affiliate_id);
    let b = bucket(&c.conversion_id);
    if b < pixel {
        Channel::Pixel
    } else if b < pixel + s2s {
        Channel::S2s
    } else if b < pixel + s2s + batch {
        Channel::Batch
    } else {
        Channel::Api
    }
}

/// One HTTP GET to send at a given instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub at_ms: i64,
    /// `/postback/{source}?…` or `/pixel/{source}.gif?…`.
    pub path_query: String,
}

/// The non-API conversions of a world, as their channels deliver them.
#[derive(Debug, Clone, Default)]
pub struct ChannelDeliveries {
    /// S2S postbacks and pixel hits, in sending order.
    pub http: Vec<Delivery>,
    pub s2s_conversions: usize,
    pub pixel_conversions: usize,
    /// The batch file (the `conversions` import layout), empty when no conversion goes by file.
    pub batch_csv: String,
    pub batch_conversions: usize,
}

/// One postback or pixel of `c` in the Keitaro dialect (it carries a status), as the postback firing sends it.
fn keitaro_query(world: &World, c: &Conversion, status: ConversionStatus, token: &str) -> String {
    crate::postback::query(&crate::postback::params(
        world,
        c,
        status,
        Dialect::Keitaro,
        Some(token),
    ))
}

pub const BATCH_HEADER: &str = "conversion_id,affiliate_id,converted_at,status,payout,revenue,currency,event,click_id,player_id,order_id,sub1,country";

fn batch_record(world: &World, c: &Conversion) -> [String; 13] {
    [
        c.conversion_id.clone(),
        c.affiliate_id.to_string(),
        c.converted_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        c.status.as_str().to_owned(),
        crate::truth::format_amount(c.payout),
        crate::truth::format_amount(c.revenue),
        world.program.currency.clone(),
        "ftd".to_owned(),
        c.transaction_id.clone(),
        c.player_id.clone(),
        c.deposit_id.clone(),
        c.sub1.clone(),
        c.country.clone(),
    ]
}

/// Moves every non-API conversion out of `world` and returns how each is delivered: S2S postbacks to
/// `/postback/{source}`, pixels to `/pixel/{source}.gif` (both with `token`), batch ones as one file.
pub fn split_channels(world: &mut World, source: &str, token: &str) -> ChannelDeliveries {
    let mut out = ChannelDeliveries::default();
    let mut batch: Vec<[String; 13]> = Vec::new();
    let conversions = std::mem::take(&mut world.conversions);
    let mut api = Vec::with_capacity(conversions.len());
    for c in conversions {
        match channel(&c) {
            Channel::Api => api.push(c),
            Channel::S2s => {
                out.s2s_conversions += 1;
                let mut sends = vec![(c.converted_at, c.initial_status)];
                if c.initial_status != c.status {
                    sends.push((c.updated_at.max(c.converted_at), c.status));
                }
                for (at, status) in sends {
                    out.http.push(Delivery {
                        at_ms: at.timestamp_millis(),
                        path_query: format!(
                            "/postback/{source}?{}",
                            keitaro_query(world, &c, status, token)
                        ),
                    });
                }
            }
            Channel::Pixel => {
                out.pixel_conversions += 1;
                out.http.push(Delivery {
                    at_ms: c.converted_at.timestamp_millis(),
                    path_query: format!(
                        "/pixel/{source}.gif?{}",
                        keitaro_query(world, &c, c.initial_status, token)
                    ),
                });
            }
            Channel::Batch => {
                out.batch_conversions += 1;
                batch.push(batch_record(world, &c));
            }
        }
    }
    world.conversions = api;
    // In the order they happened (a stable sort keeps a conversion's first send before its status change).
    out.http.sort_by_key(|d| d.at_ms);
    if !batch.is_empty() {
        out.batch_csv = csv_text(BATCH_HEADER, &batch);
    }
    out
}

/// A CSV file's text: the header and the records, quoted where a value needs it (the sandbox's own CSV writer,
/// without quirks).
fn csv_text(header: &str, records: &[[String; 13]]) -> String {
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    if let Ok(mut f) = crate::files::csv_out::CsvFile::new(&mut bytes, header, Default::default()) {
        for r in records {
            let _ = f.row(&r.each_ref().map(String::as_str));
        }
        let _ = f.finish();
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{generate, WorldConfig};

    #[test]
    fn every_conversion_takes_exactly_one_channel_and_all_four_are_used() {
        let mut world = generate(&WorldConfig::demo_workspace(7));
        let before = world.conversions.len();
        let d = split_channels(&mut world, "demo-postbacks", "k");
        assert_eq!(
            before,
            world.conversions.len() + d.s2s_conversions + d.pixel_conversions + d.batch_conversions
        );
        assert!(!world.conversions.is_empty());
        assert!(d.s2s_conversions > 0 && d.pixel_conversions > 0 && d.batch_conversions > 0);
        assert!(d.http.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        assert_eq!(d.batch_csv.lines().count(), d.batch_conversions + 1);
        assert!(d.batch_csv.starts_with(BATCH_HEADER));
        let pixels = d
            .http
            .iter()
            .filter(|h| h.path_query.starts_with("/pixel/demo-postbacks.gif?"))
            .count();
        assert_eq!(pixels, d.pixel_conversions);
        // Same world, same split.
        let mut again = generate(&WorldConfig::demo_workspace(7));
        let d2 = split_channels(&mut again, "demo-postbacks", "k");
        assert_eq!(d.http, d2.http);
        assert_eq!(d.batch_csv, d2.batch_csv);
    }

    #[test]
    fn quoting_keeps_commas_inside_one_field() {
        let mut r: [String; 13] = Default::default();
        r[0] = "a,b".into();
        r[1] = "say \"hi\"".into();
        r[2] = "plain".into();
        let text = csv_text("h", &[r]);
        let row = text.lines().nth(1).unwrap();
        assert!(
            row.starts_with("\"a,b\",\"say \"\"hi\"\"\",plain,"),
            "{row}"
        );
    }
}
