//! Crypto payout addresses: a closed set of networks and an offline syntax check per network.
//!
//! Why offline checksums and not just a pattern: a crypto payment to a mistyped address is lost for good. Bitcoin
//! legacy and Tron addresses carry a Base58Check checksum (double SHA-256) and Bitcoin SegWit addresses a
//! bech32/bech32m checksum, so a typo is caught here. Ethereum's only checksum (EIP-55 mixed case) needs
//! Keccak-256, which this crate does not carry: Ethereum addresses are checked for shape only and stored
//! lower-case (the address is case-insensitive). No network calls.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

const BASE58_ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32_CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// A Base58Check payload: version byte, 20-byte hash, 4-byte checksum.
const BASE58CHECK_BYTES: usize = 25;
const CHECKSUM_BYTES: usize = 4;
const BTC_LEGACY_LEN: std::ops::RangeInclusive<usize> = 26..=35;
const BTC_P2PKH_VERSION: u8 = 0x00;
const BTC_P2SH_VERSION: u8 = 0x05;
const BTC_HRP: &str = "bc";
/// Shortest and longest mainnet SegWit address that wallets issue (P2WPKH 42, P2WSH and Taproot 62).
const BTC_BECH32_LEN: std::ops::RangeInclusive<usize> = 42..=62;
const BECH32_CHECKSUM_CHARS: usize = 6;
const BECH32_CONST: u32 = 1;
const BECH32M_CONST: u32 = 0x2bc8_30a3;
const TRON_LEN: usize = 34;
const TRON_VERSION: u8 = 0x41;
const ETH_HEX_DIGITS: usize = 40;
/// Characters shown at each end of a masked address.
const MASK_HEAD_CHARS: usize = 6;
const MASK_TAIL_CHARS: usize = 4;

/// The networks Affops pays out on. Closed: adding one means adding its address check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CryptoNetwork {
    #[serde(rename = "bitcoin")]
    Bitcoin,
    #[serde(rename = "ethereum-erc20")]
    EthereumErc20,
    #[serde(rename = "tron-trc20")]
    TronTrc20,
}

impl CryptoNetwork {
    pub const ALL: [CryptoNetwork; 3] = [Self::Bitcoin, Self::EthereumErc20, Self::TronTrc20];

    /// The stable key used in storage and hashes.
    pub fn key(self) -> &'static str {
        match self {
            Self::Bitcoin => "bitcoin",
            Self::EthereumErc20 => "ethereum-erc20",
            Self::TronTrc20 => "tron-trc20",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Bitcoin => "Bitcoin",
            Self::EthereumErc20 => "Ethereum (ERC-20)",
            Self::TronTrc20 => "Tron (TRC-20)",
        }
    }

    /// Accepts the key, the label, or a common short name ("btc", "erc20", "trc20"), in any case.
    pub fn parse(raw: &str) -> Result<CryptoNetwork, CryptoError> {
        let t = raw.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "bitcoin" | "btc" => Self::Bitcoin,
            "ethereum-erc20" | "ethereum (erc-20)" | "ethereum" | "erc20" | "erc-20" | "eth" => {
                Self::EthereumErc20
            }
            "tron-trc20" | "tron (trc-20)" | "tron" | "trc20" | "trc-20" | "trx" => Self::TronTrc20,
            _ => return Err(CryptoError::UnknownNetwork(raw.trim().to_string())),
        })
    }
}

impl fmt::Display for CryptoNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a crypto network or address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("'{0}' is not a network Affops pays out on; choose Bitcoin, Ethereum (ERC-20) or Tron (TRC-20).")]
    UnknownNetwork(String),
    #[error("The address is empty.")]
    Empty,
    #[error("{network} addresses {rule}.")]
    Shape {
        network: CryptoNetwork,
        rule: &'static str,
    },
    #[error("The address contains '{0}', which cannot appear in an address of this network.")]
    BadCharacter(char),
    #[error("The address checksum does not match, so a character is probably mistyped; copy the address again.")]
    Checksum,
}

/// A validated address for the network it was checked against (see [`CryptoAddress::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct CryptoAddress(String);

impl CryptoAddress {
    /// Checks `raw` (trimmed) as an address on `network`.
    pub fn parse(network: CryptoNetwork, raw: &str) -> Result<CryptoAddress, CryptoError> {
        let a = raw.trim();
        if a.is_empty() {
            return Err(CryptoError::Empty);
        }
        let shape = |rule| CryptoError::Shape { network, rule };
        match network {
            CryptoNetwork::Bitcoin => {
                if a.get(..BTC_HRP.len() + 1)
                    .is_some_and(|p| p.eq_ignore_ascii_case("bc1"))
                {
                    bech32_segwit(a).map(CryptoAddress)
                } else if a.starts_with(['1', '3']) {
                    if !BTC_LEGACY_LEN.contains(&a.len()) {
                        return Err(shape("starting with 1 or 3 have 26 to 35 characters"));
                    }
                    let version = if a.starts_with('1') {
                        BTC_P2PKH_VERSION
                    } else {
                        BTC_P2SH_VERSION
                    };
                    base58check(a, version)?;
                    Ok(CryptoAddress(a.to_string()))
                } else {
                    Err(shape("start with bc1, 1 or 3"))
                }
            }
            CryptoNetwork::TronTrc20 => {
                if !a.starts_with('T') || a.chars().count() != TRON_LEN {
                    return Err(shape("start with T and have 34 characters"));
                }
                base58check(a, TRON_VERSION)?;
                Ok(CryptoAddress(a.to_string()))
            }
            CryptoNetwork::EthereumErc20 => {
                let hex = a.strip_prefix("0x").ok_or_else(|| shape("start with 0x"))?;
                if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
                    return Err(CryptoError::BadCharacter(bad));
                }
                if hex.len() != ETH_HEX_DIGITS {
                    return Err(shape("have 0x and then 40 hexadecimal digits"));
                }
                Ok(CryptoAddress(format!("0x{}", hex.to_ascii_lowercase())))
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For display: the first six and last four characters, e.g. "bc1qar •••• 5mdq".
    pub fn mask(&self) -> String {
        let n = self.0.len();
        format!(
            "{} •••• {}",
            &self.0[..MASK_HEAD_CHARS],
            &self.0[n - MASK_TAIL_CHARS..]
        )
    }
}

impl From<CryptoAddress> for String {
    fn from(a: CryptoAddress) -> String {
        a.0
    }
}

impl fmt::Display for CryptoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes Base58 and checks the version byte and the 4-byte double-SHA-256 checksum.
fn base58check(a: &str, version: u8) -> Result<(), CryptoError> {
    // Big-endian base-256 accumulator; inputs are at most 35 characters, so this stays tiny.
    let mut bytes: Vec<u8> = Vec::with_capacity(BASE58CHECK_BYTES);
    for c in a.chars() {
        let digit = u8::try_from(c)
            .ok()
            .and_then(|b| BASE58_ALPHABET.iter().position(|&x| x == b))
            .ok_or(CryptoError::BadCharacter(c))?;
        let mut carry = digit as u32;
        for b in bytes.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let leading_ones = a.bytes().take_while(|&b| b == b'1').count();
    let mut decoded = vec![0u8; leading_ones];
    decoded.extend(bytes);
    if decoded.len() != BASE58CHECK_BYTES || decoded[0] != version {
        return Err(CryptoError::Checksum);
    }
    let (payload, check) = decoded.split_at(BASE58CHECK_BYTES - CHECKSUM_BYTES);
    let digest = Sha256::digest(Sha256::digest(payload));
    if digest[..CHECKSUM_BYTES] != *check {
        return Err(CryptoError::Checksum);
    }
    Ok(())
}

/// Checks a mainnet SegWit address (BIP-173 bech32 for version 0, BIP-350 bech32m for later versions) and
/// returns it lower-case. All-upper-case input is accepted (it is valid bech32); mixed case is not.
fn bech32_segwit(a: &str) -> Result<String, CryptoError> {
    let shape = |rule| CryptoError::Shape {
        network: CryptoNetwork::Bitcoin,
        rule,
    };
    let lower = a.to_ascii_lowercase();
    if a != lower && a != a.to_ascii_uppercase() {
        return Err(shape(
            "starting with bc1 are all lower-case (or all upper-case)",
        ));
    }
    if !BTC_BECH32_LEN.contains(&lower.len()) {
        return Err(shape("starting with bc1 have 42 to 62 characters"));
    }
    let mut data = Vec::with_capacity(lower.len());
    for c in lower[BTC_HRP.len() + 1..].chars() {
        let v = u8::try_from(c)
            .ok()
            .and_then(|b| BECH32_CHARSET.iter().position(|&x| x == b))
            .ok_or(CryptoError::BadCharacter(c))?;
        data.push(v as u8);
    }
    let mut values: Vec<u8> = BTC_HRP.bytes().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(BTC_HRP.bytes().map(|b| b & 31));
    values.extend(&data);
    let witness_version = data.first().copied().unwrap_or(u8::MAX);
    let expected = match witness_version {
        0 => BECH32_CONST,
        1..=16 => BECH32M_CONST,
        _ => {
            return Err(shape(
                "starting with bc1 carry a witness version from 0 to 16",
            ))
        }
    };
    if data.len() <= BECH32_CHECKSUM_CHARS || polymod(&values) != expected {
        return Err(CryptoError::Checksum);
    }
    Ok(lower)
}

/// The BCH checksum of BIP-173.
fn polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

#[cfg(test)]
#[path = "crypto_tests.rs"]
mod tests;
