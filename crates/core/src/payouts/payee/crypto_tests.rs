use super::*;
use CryptoNetwork::*;

#[test]
fn valid_addresses() {
    for (net, raw, canonical) in [
        // BIP-173 / BIP-350 test vectors (mainnet).
        (
            Bitcoin,
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            Bitcoin,
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            Bitcoin,
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
        // The genesis block's address (P2PKH) and a well-known P2SH address.
        (
            Bitcoin,
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        ),
        (
            Bitcoin,
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ),
        // EIP-55's examples; stored lower-case.
        (
            EthereumErc20,
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        // The USDT (TRC-20) contract address.
        (
            TronTrc20,
            " TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t ",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        ),
    ] {
        let a = CryptoAddress::parse(net, raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(a.as_str(), canonical);
    }
}

#[test]
fn refusals_name_the_reason() {
    let shape = |network, rule| CryptoError::Shape { network, rule };
    for (net, raw, want) in [
        (Bitcoin, "", CryptoError::Empty),
        (
            Bitcoin,
            "2A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            shape(Bitcoin, "start with bc1, 1 or 3"),
        ),
        (
            Bitcoin,
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            CryptoError::Checksum,
        ),
        (
            Bitcoin,
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0",
            CryptoError::BadCharacter('0'),
        ),
        (
            Bitcoin,
            "1A1zP1eP5QGefi2",
            shape(Bitcoin, "starting with 1 or 3 have 26 to 35 characters"),
        ),
        (
            Bitcoin,
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            CryptoError::Checksum,
        ),
        (
            Bitcoin,
            "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            shape(
                Bitcoin,
                "starting with bc1 are all lower-case (or all upper-case)",
            ),
        ),
        (
            Bitcoin,
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb",
            CryptoError::BadCharacter('b'),
        ),
        (
            Bitcoin,
            "bc1qw508d6qejxtdg4y5r",
            shape(Bitcoin, "starting with bc1 have 42 to 62 characters"),
        ),
        (
            EthereumErc20,
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            shape(EthereumErc20, "start with 0x"),
        ),
        (
            EthereumErc20,
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            shape(EthereumErc20, "have 0x and then 40 hexadecimal digits"),
        ),
        (
            EthereumErc20,
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            CryptoError::BadCharacter('g'),
        ),
        (
            TronTrc20,
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
            CryptoError::Checksum,
        ),
        (
            TronTrc20,
            "AR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            shape(TronTrc20, "start with T and have 34 characters"),
        ),
        // A valid Bitcoin address is not a Tron address (wrong network chosen).
        (
            TronTrc20,
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            shape(TronTrc20, "start with T and have 34 characters"),
        ),
    ] {
        assert_eq!(CryptoAddress::parse(net, raw), Err(want), "{raw:?}");
    }
}

#[test]
fn networks_parse_and_round_trip() {
    for n in CryptoNetwork::ALL {
        assert_eq!(CryptoNetwork::parse(n.key()), Ok(n));
        assert_eq!(CryptoNetwork::parse(n.label()), Ok(n));
        assert_eq!(
            serde_json::to_string(&n).ok(),
            Some(format!("\"{}\"", n.key()))
        );
    }
    assert_eq!(CryptoNetwork::parse(" TRC20 "), Ok(TronTrc20));
    assert_eq!(
        CryptoNetwork::parse("Solana"),
        Err(CryptoError::UnknownNetwork("Solana".into()))
    );
}

#[test]
fn mask_keeps_both_ends() {
    let a = CryptoAddress::parse(Bitcoin, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
    assert_eq!(a.map(|a| a.mask()), Ok("bc1qar •••• 5mdq".to_string()));
}
