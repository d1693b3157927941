//! Fixed vocabularies the generator draws from. Changing any list changes every seeded world.

pub(super) const AFFILIATE_NAMES: &[&str] = &[
    "Slots Hub Media",
    "Nordic Spin Reviews",
    "Casino Guru Partners",
    "Jackpot Junction",
    "Maple Bonus Network",
    "Kiwi Casino Club",
    "Reel Deal Marketing",
    "Baltic Bets Media",
    "Lucky Lane Affiliates",
    "Free Spins Daily",
    "High Roller Hub",
    "Midnight Slots Blog",
    "Fjord Gaming Ltd",
    "Spin Street Digital",
    "Valletta Leads",
    "Golden Payline Media",
];

pub(super) const CAMPAIGNS: &[&str] = &[
    "spring-promo",
    "welcome-bonus",
    "free-spins-100",
    "weekend-reload",
    "live-casino",
    "jackpot-week",
    "vip-invite",
    "halloween-spins",
];

pub(super) const PLACEMENTS: &[&str] = &[
    "banner-top",
    "sidebar",
    "review-page",
    "email",
    "social",
    "comparison-table",
];

pub(super) const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36",
];

/// ISO-2 country and its share of traffic (weights, not percentages).
pub(super) const COUNTRIES: &[(&str, u32)] = &[
    ("MT", 10),
    ("DE", 22),
    ("FI", 15),
    ("SE", 14),
    ("NO", 10),
    ("CA", 16),
    ("NZ", 9),
    ("IE", 2),
    ("AT", 2),
];

/// First octets of public-looking IPv4 ranges (European and North American ISPs).
pub(super) const IP_FIRST_OCTETS: &[u8] = &[
    31, 37, 46, 62, 77, 78, 80, 84, 85, 89, 91, 94, 109, 130, 176, 185, 188, 193, 212, 213, 217,
];

/// Relative click volume per UTC hour: quiet at night, peaking in the evening.
pub(super) const HOUR_WEIGHTS: [u32; 24] = [
    4, 3, 2, 2, 2, 2, 3, 4, 5, 6, 6, 7, 7, 7, 7, 8, 9, 10, 12, 13, 13, 12, 9, 6,
];

/// Relative click volume Monday..Sunday, in percent of the configured daily average.
pub(super) const WEEKDAY_PERCENT: [u32; 7] = [90, 92, 95, 100, 110, 118, 95];

/// sub3 values: the creative the click came from.
pub(super) const CREATIVES: &[&str] = &[
    "cr-300x250-a",
    "cr-728x90-b",
    "cr-video-15s",
    "cr-native-1",
    "cr-native-2",
    "cr-email-hero",
];

/// sub4 values: the device class the affiliate's tracker detected.
pub(super) const DEVICE_CLASSES: &[&str] = &["mobile", "desktop", "tablet"];

/// Prefixes of affiliate promo codes ("SPIN50-A3").
pub(super) const PROMO_PREFIXES: &[&str] = &["SPIN50", "WELCOME100", "BONUS25", "FREE20", "VIP200"];

/// Given names and surnames for player and affiliate emails.
pub(super) const FIRST_NAMES: &[&str] = &[
    "anna", "jonas", "mikko", "sofia", "lars", "emma", "liam", "olivia", "noah", "ella", "oskar",
    "maja", "lukas", "ida", "ben", "nora",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "virtanen", "schmidt", "berg", "borg", "muller", "nielsen", "smith", "tremblay", "wilson",
    "kowalski", "murphy", "hansen",
];
pub(super) const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "gmx.de",
    "yahoo.com",
    "proton.me",
];
