//! A person's secrets: the passphrase (stored only as an argon2id PHC string) and the Ed25519 signing key, whose
//! private half is sealed with a key derived from the passphrase (argon2id with its own salt, then
//! XChaCha20-Poly1305 bound to the public key). Approvals are signed with it offline; whoever holds the database
//! file alone can neither sign nor learn a passphrase.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::Rng;

/// argon2id cost (OWASP's minimum recommendation: 19 MiB, 2 passes, 1 lane).
const ARGON_MEMORY_KIB: u32 = 19_456;
const ARGON_PASSES: u32 = 2;
const ARGON_LANES: u32 = 1;
/// Passphrases shorter than this are refused.
pub const PASSPHRASE_CHARS_MIN: usize = 10;
/// Longer ones too (argon2 would take them, but nobody types 1,000 characters on purpose).
pub const PASSPHRASE_CHARS_MAX: usize = 256;
const SALT_BYTES: usize = 16;
const NONCE_BYTES: usize = 24;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("Passphrase: use at least {PASSPHRASE_CHARS_MIN} characters")]
    TooShort,
    #[error("Passphrase: use at most {PASSPHRASE_CHARS_MAX} characters")]
    TooLong,
    #[error("the passphrase does not open this signing key")]
    WrongPassphrase,
    #[error("the stored secret is damaged: {0}")]
    Damaged(String),
}

fn argon() -> Argon2<'static> {
    // The parameters are constants inside their valid ranges; `Params::new` cannot fail on them.
    let params =
        Params::new(ARGON_MEMORY_KIB, ARGON_PASSES, ARGON_LANES, Some(32)).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rng().fill(&mut b[..]);
    b
}

/// Refuses passphrases outside the length bounds.
pub fn check_passphrase(passphrase: &str) -> Result<(), SecretError> {
    let n = passphrase.chars().count();
    if n < PASSPHRASE_CHARS_MIN {
        return Err(SecretError::TooShort);
    }
    if n > PASSPHRASE_CHARS_MAX {
        return Err(SecretError::TooLong);
    }
    Ok(())
}

/// The argon2id PHC string of a passphrase, with a fresh salt.
pub fn hash_passphrase(passphrase: &str) -> Result<String, SecretError> {
    check_passphrase(passphrase)?;
    let salt = SaltString::encode_b64(&random::<SALT_BYTES>())
        .map_err(|e| SecretError::Damaged(e.to_string()))?;
    argon()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| SecretError::Damaged(e.to_string()))
}

/// Whether `passphrase` matches the PHC string (constant-time comparison inside argon2).
pub fn verify_passphrase(phc: &str, passphrase: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon().verify_password(passphrase.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A PHC string that matches no passphrase, verified against when the name is unknown so that a wrong name
/// costs the same time as a wrong passphrase.
pub fn decoy_phc() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_passphrase("decoy passphrase that nobody has").unwrap_or_default())
}

/// A signing key sealed with a passphrase: what `user_keys` stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedKey {
    /// The Ed25519 verifying key, hex.
    pub public_key: String,
    pub kdf_salt: Vec<u8>,
    pub nonce: Vec<u8>,
    pub sealed_secret: Vec<u8>,
}

fn sealing_key(passphrase: &str, salt: &[u8]) -> Result<[u8; 32], SecretError> {
    let mut key = [0u8; 32];
    argon()
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| SecretError::Damaged(e.to_string()))?;
    Ok(key)
}

fn seal_bytes(
    secret: &[u8; 32],
    public_key: &str,
    passphrase: &str,
) -> Result<SealedKey, SecretError> {
    let salt = random::<SALT_BYTES>();
    let nonce = random::<NONCE_BYTES>();
    let cipher = XChaCha20Poly1305::new(&sealing_key(passphrase, &salt)?.into());
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: public_key.as_bytes(),
            },
        )
        .map_err(|e| SecretError::Damaged(e.to_string()))?;
    Ok(SealedKey {
        public_key: public_key.to_string(),
        kdf_salt: salt.to_vec(),
        nonce: nonce.to_vec(),
        sealed_secret: sealed,
    })
}

/// A new Ed25519 key pair, its private half sealed with `passphrase`.
pub fn new_signing_key(passphrase: &str) -> Result<SealedKey, SecretError> {
    check_passphrase(passphrase)?;
    let key = SigningKey::from_bytes(&random::<32>());
    let public_key = hex::encode(key.verifying_key().to_bytes());
    seal_bytes(&key.to_bytes(), &public_key, passphrase)
}

/// Opens a sealed key; a wrong passphrase (or a swapped public key) fails authentication.
pub fn unseal(sealed: &SealedKey, passphrase: &str) -> Result<SigningKey, SecretError> {
    if sealed.nonce.len() != NONCE_BYTES {
        return Err(SecretError::Damaged("nonce length".into()));
    }
    let cipher = XChaCha20Poly1305::new(&sealing_key(passphrase, &sealed.kdf_salt)?.into());
    let secret = cipher
        .decrypt(
            XNonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.sealed_secret,
                aad: sealed.public_key.as_bytes(),
            },
        )
        .map_err(|_| SecretError::WrongPassphrase)?;
    let bytes: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| SecretError::Damaged("secret length".into()))?;
    let key = SigningKey::from_bytes(&bytes);
    if hex::encode(key.verifying_key().to_bytes()) != sealed.public_key {
        return Err(SecretError::Damaged(
            "the sealed key does not match its public key".into(),
        ));
    }
    Ok(key)
}

/// The same key sealed again under a new passphrase (a person changing their own passphrase keeps their key).
pub fn reseal(sealed: &SealedKey, old: &str, new: &str) -> Result<SealedKey, SecretError> {
    check_passphrase(new)?;
    let key = unseal(sealed, old)?;
    seal_bytes(&key.to_bytes(), &sealed.public_key, new)
}

/// Signs `message`; the signature as hex.
pub fn sign(key: &SigningKey, message: &[u8]) -> String {
    hex::encode(key.sign(message).to_bytes())
}

/// Whether `signature_hex` is `public_key_hex`'s signature of `message` (strict verification).
pub fn verify_signature(public_key_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let Ok(pk) = hex::decode(public_key_hex) else {
        return false;
    };
    let Ok(sig) = hex::decode(signature_hex) else {
        return false;
    };
    let (Ok(pk), Ok(sig)) = (<[u8; 32]>::try_from(pk), <[u8; 64]>::try_from(sig)) else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    vk.verify_strict(message, &Signature::from_bytes(&sig))
        .is_ok()
        && vk.verify(message, &Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_verifies_and_a_wrong_one_does_not() {
        let phc = hash_passphrase("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_passphrase(&phc, "correct horse battery"));
        assert!(!verify_passphrase(&phc, "correct horse batterY"));
        assert!(!verify_passphrase("not a phc", "correct horse battery"));
        assert!(!verify_passphrase(decoy_phc(), "correct horse battery"));
        assert_eq!(hash_passphrase("short").unwrap_err(), SecretError::TooShort);
        assert_eq!(
            hash_passphrase(&"x".repeat(PASSPHRASE_CHARS_MAX + 1)).unwrap_err(),
            SecretError::TooLong
        );
    }

    /// The sealed key opens only with its passphrase, survives a passphrase change, and signs verifiably.
    #[test]
    fn sealed_keys_open_with_their_passphrase_only() {
        let sealed = new_signing_key("first passphrase").unwrap();
        assert_eq!(sealed.public_key.len(), 64);
        assert_eq!(
            unseal(&sealed, "wrong passphrase").unwrap_err(),
            SecretError::WrongPassphrase
        );
        let key = unseal(&sealed, "first passphrase").unwrap();
        let sig = sign(&key, b"run 7 content hash");
        assert!(verify_signature(
            &sealed.public_key,
            b"run 7 content hash",
            &sig
        ));
        assert!(!verify_signature(
            &sealed.public_key,
            b"run 8 content hash",
            &sig
        ));
        let resealed = reseal(&sealed, "first passphrase", "second passphrase").unwrap();
        assert_eq!(resealed.public_key, sealed.public_key);
        assert!(unseal(&resealed, "first passphrase").is_err());
        assert!(unseal(&resealed, "second passphrase").is_ok());
        // Pointing the sealed secret at another public key fails its authentication tag.
        let other = new_signing_key("another passphrase").unwrap();
        let swapped = SealedKey {
            public_key: other.public_key,
            ..resealed
        };
        assert!(unseal(&swapped, "second passphrase").is_err());
    }

    #[test]
    fn malformed_signatures_are_refused_not_panicking() {
        assert!(!verify_signature("zz", b"m", "00"));
        assert!(!verify_signature(&"00".repeat(32), b"m", &"00".repeat(64)));
    }
}
