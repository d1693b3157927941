//! Numbered ChaCha8 streams of one seed. Stream 0 is the v0 generator's; each later part has its own stream so
//! that adding or switching on a part never changes the draws of another.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub(super) const CLICK_EXTRAS: u64 = 1;
pub(super) const AFFILIATE_EXTRAS: u64 = 2;
pub(super) const PLAYER_EXTRAS: u64 = 3;
pub(super) const MONEY: u64 = 4;
pub(super) const ACTIVITY: u64 = 5;
pub(super) const FRAUD: u64 = 6;
pub(super) const INTEGRATION: u64 = 7;
pub(super) const FOREX: u64 = 8;
pub(super) const CLICK_TOTAL: u64 = 9;
pub(super) const TRAPS: u64 = 10;

pub(super) fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
