//! PKCS#12 files (`.p12` / `.pfx`, RFC 7292) in password integrity and password privacy mode,
//! as certificate holders get them: from OpenSSL 3 (PBES2 / AES-256-CBC bags, HMAC-SHA256
//! MAC), and from older tools, Windows and `openssl pkcs12 -legacy` (3DES key bags, RC2-40
//! certificate bags, HMAC-SHA1 MAC).
//!
//! ```text
//! PFX ::= SEQUENCE {                                         -- RFC 7292 §4
//!     version     INTEGER {v3(3)}(v3,...),
//!     authSafe    ContentInfo,                               -- id-data: the MAC covers it
//!     macData     MacData OPTIONAL }
//! MacData ::= SEQUENCE {
//!     mac         DigestInfo,
//!     macSalt     OCTET STRING,
//!     iterations  INTEGER DEFAULT 1 }
//! AuthenticatedSafe ::= SEQUENCE OF ContentInfo              -- Data or EncryptedData
//! SafeContents ::= SEQUENCE OF SafeBag                       -- RFC 7292 §4.2
//! SafeBag ::= SEQUENCE {
//!     bagId          BAG-TYPE.&id ({PKCS12BagSet}),
//!     bagValue       [0] EXPLICIT BAG-TYPE.&Type({PKCS12BagSet}{@bagId}),
//!     bagAttributes  SET OF PKCS12Attribute OPTIONAL }
//! ```
//!
//! The MAC (RFC 7292 §5, key from Appendix B.2) is checked before anything is decrypted; a
//! file without one is refused (nothing would tell a wrong password from a damaged file).
//! Public-key integrity and privacy modes (SignedData / EnvelopedData) are not supported.
//! Input must be DER (the `der` crate does not read BER's indefinite lengths).

use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, OctetString, OctetStringRef};
use der::{Decode, Tag, TagNumber, Tagged};
use hmac::{Mac, SimpleHmac};
use pkcs12::cert_type::CertBag;
use pkcs12::kdf::{derive_key, Pkcs12KeyType};
use pkcs12::mac_data::MacData;
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::SafeBag;
use qes_cert::{Certificate, ParseMode};
use sha2::digest::{core_api::BlockSizeUser, Digest, FixedOutputReset};
use zeroize::{Zeroize, Zeroizing};

use super::pbe::{self, DecryptError, Password, MAX_KDF_ITERATIONS};
use super::pkcs8::{check_size, decrypt_info};
use crate::SignError;

/// Most bags read from one file (keys, certificates and others, nested included).
pub const MAX_PKCS12_BAGS: usize = 256;
/// Deepest nesting of `safeContentsBag`s followed.
const MAX_DEPTH: usize = 4;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");

/// A bag's content with its `localKeyId` attribute (PKCS#9, RFC 2985 §5.5.2), if any.
pub(crate) type WithKeyId<T> = (T, Option<Vec<u8>>);

/// What a PKCS#12 file holds, decrypted.
pub(crate) struct Contents {
    /// Every private key (DER `PrivateKeyInfo`) with its `localKeyId`.
    pub(crate) keys: Vec<WithKeyId<Zeroizing<Vec<u8>>>>,
    /// Every X.509 certificate with its `localKeyId`, in file order.
    pub(crate) certificates: Vec<WithKeyId<Certificate>>,
}

/// Check the MAC of `der` under `password` and decrypt every bag.
pub(crate) fn open(der: &[u8], password: &str) -> Result<Contents, SignError> {
    check_size(der)?;
    let pfx = Pfx::from_der(der).map_err(|e| SignError::key_load("not a DER PKCS#12 PFX", e))?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(SignError::UnsupportedKeyFormat {
            what: "PKCS#12 integrity mode (authSafe content type)",
            oid: pfx.auth_safe.content_type,
        });
    }
    let auth_safe: OctetStringRef<'_> = pfx
        .auth_safe
        .content
        .decode_as()
        .map_err(|e| SignError::key_load("PKCS#12 authSafe is not an OCTET STRING", e))?;
    let mac = pfx
        .mac_data
        .as_ref()
        .ok_or_else(|| SignError::key_load_bare("PKCS#12 file without an integrity MAC"))?;

    let full = Password::new(password);
    let password = if verify_mac(mac, auth_safe.as_bytes(), &full)? {
        full
    } else {
        match full.empty_without_terminator() {
            Some(empty) if verify_mac(mac, auth_safe.as_bytes(), &empty)? => empty,
            _ => return Err(SignError::WrongPassword),
        }
    };

    let infos = Vec::<ContentInfo>::from_der(auth_safe.as_bytes())
        .map_err(|e| SignError::key_load("malformed PKCS#12 AuthenticatedSafe", e))?;
    let mut walker = Walker {
        password: &password,
        contents: Contents {
            keys: Vec::new(),
            certificates: Vec::new(),
        },
        bags: 0,
    };
    for info in &infos {
        walker.content_info(info)?;
    }
    Ok(walker.contents)
}

/// RFC 7292 §5: HMAC over the authSafe contents, keyed with the PKCS#12 KDF (ID 3) of the
/// MAC's own hash, key length the hash length. Compared in constant time.
fn verify_mac(mac: &MacData, data: &[u8], password: &Password<'_>) -> Result<bool, SignError> {
    let iterations = mac.iterations;
    if iterations < 1 || u32::try_from(iterations).map_or(true, |i| i > MAX_KDF_ITERATIONS) {
        return Err(SignError::key_load_bare(
            "PKCS#12 MAC iteration count out of range",
        ));
    }
    password.charge(u64::from(iterations.unsigned_abs()))?;
    if let Some(params) = &mac.mac.algorithm.parameters {
        if params.tag() != Tag::Null || !params.value().is_empty() {
            return Err(SignError::key_load_bare("PKCS#12 MAC digest parameters"));
        }
    }
    let salt = mac.mac_salt.as_bytes();
    let expected = mac.mac.digest.as_bytes();
    let bmp = password.bmp();
    use const_oid::db::rfc5912;
    Ok(match mac.mac.algorithm.oid {
        rfc5912::ID_SHA_1 => hmac_ok::<sha1::Sha1>(bmp, salt, iterations, data, expected),
        rfc5912::ID_SHA_224 => hmac_ok::<sha2::Sha224>(bmp, salt, iterations, data, expected),
        rfc5912::ID_SHA_256 => hmac_ok::<sha2::Sha256>(bmp, salt, iterations, data, expected),
        rfc5912::ID_SHA_384 => hmac_ok::<sha2::Sha384>(bmp, salt, iterations, data, expected),
        rfc5912::ID_SHA_512 => hmac_ok::<sha2::Sha512>(bmp, salt, iterations, data, expected),
        oid => {
            return Err(SignError::UnsupportedKeyFormat {
                what: "PKCS#12 MAC algorithm",
                oid,
            })
        }
    })
}

fn hmac_ok<D>(bmp: &[u8], salt: &[u8], iterations: i32, data: &[u8], expected: &[u8]) -> bool
where
    D: Digest + FixedOutputReset + BlockSizeUser,
{
    let key_len = <D as Digest>::output_size();
    let key = Zeroizing::new(derive_key::<D>(
        bmp,
        salt,
        Pkcs12KeyType::Mac,
        iterations,
        key_len,
    ));
    let Ok(mut hmac) = <SimpleHmac<D> as Mac>::new_from_slice(&key) else {
        return false;
    };
    hmac.update(data);
    hmac.verify_slice(expected).is_ok()
}

struct Walker<'p, 'a> {
    password: &'p Password<'a>,
    contents: Contents,
    bags: usize,
}

impl Walker<'_, '_> {
    fn content_info(&mut self, info: &ContentInfo) -> Result<(), SignError> {
        match info.content_type {
            ID_DATA => {
                let data: OctetStringRef<'_> = info
                    .content
                    .decode_as()
                    .map_err(|e| SignError::key_load("PKCS#12 Data is not an OCTET STRING", e))?;
                self.safe_contents(data.as_bytes(), 0)
            }
            ID_ENCRYPTED_DATA => {
                let encrypted: EncryptedData = info
                    .content
                    .decode_as()
                    .map_err(|e| SignError::key_load("malformed PKCS#12 EncryptedData", e))?;
                let eci = &encrypted.enc_content_info;
                if eci.content_type != ID_DATA {
                    return Err(SignError::key_load_bare(
                        "PKCS#12 EncryptedData does not hold Data",
                    ));
                }
                let ciphertext = eci
                    .encrypted_content
                    .as_ref()
                    .map(OctetString::as_bytes)
                    .ok_or_else(|| SignError::key_load_bare("PKCS#12 EncryptedData is empty"))?;
                let plain = match pbe::decrypt(&eci.content_enc_alg, self.password, ciphertext) {
                    Ok(plain) => plain,
                    // The MAC verified under this password: the bags use another one.
                    Err(DecryptError::Padding) => return Err(SignError::WrongPassword),
                    Err(DecryptError::Other(e)) => return Err(e),
                };
                self.safe_contents(&plain, 0)
            }
            oid => Err(SignError::UnsupportedKeyFormat {
                what: "PKCS#12 privacy mode (content type)",
                oid,
            }),
        }
    }

    fn safe_contents(&mut self, der: &[u8], depth: usize) -> Result<(), SignError> {
        if depth > MAX_DEPTH {
            return Err(SignError::key_load_bare("PKCS#12 bags nested too deeply"));
        }
        let mut bags = Vec::<SafeBag>::from_der(der)
            .map_err(|e| SignError::key_load("malformed PKCS#12 SafeContents", e))?;
        let result = self.bags(&bags, depth);
        // keyBag values are plaintext private keys.
        for bag in &mut bags {
            bag.bag_value.zeroize();
        }
        result
    }

    fn bags(&mut self, bags: &[SafeBag], depth: usize) -> Result<(), SignError> {
        for bag in bags {
            self.bags = self.bags.saturating_add(1);
            if self.bags > MAX_PKCS12_BAGS {
                return Err(SignError::key_load_bare("more than MAX_PKCS12_BAGS bags"));
            }
            self.bag(bag, depth)?;
        }
        Ok(())
    }

    fn bag(&mut self, bag: &SafeBag, depth: usize) -> Result<(), SignError> {
        let value = explicit0(&bag.bag_value)?;
        let local_key_id = local_key_id(bag);
        match bag.bag_id {
            pkcs12::PKCS_12_KEY_BAG_OID => {
                pkcs8::PrivateKeyInfo::from_der(value)
                    .map_err(|e| SignError::key_load("malformed PKCS#12 keyBag", e))?;
                self.contents
                    .keys
                    .push((Zeroizing::new(value.to_vec()), local_key_id));
            }
            pkcs12::PKCS_12_PKCS8_KEY_BAG_OID => {
                let info = EncryptedPrivateKeyInfo::from_der(value)
                    .map_err(|e| SignError::key_load("malformed PKCS#12 pkcs8ShroudedKeyBag", e))?;
                let key = decrypt_info(&info, self.password)?;
                self.contents.keys.push((key, local_key_id));
            }
            pkcs12::PKCS_12_CERT_BAG_OID => {
                let cert_bag = CertBag::from_der(value)
                    .map_err(|e| SignError::key_load("malformed PKCS#12 certBag", e))?;
                // Only X.509 certificates; SDSI certificates are skipped.
                if cert_bag.cert_id == pkcs12::PKCS_12_X509_CERT_OID {
                    let cert =
                        Certificate::from_der(cert_bag.cert_value.as_bytes(), ParseMode::Lenient)
                            .map_err(SignError::Certificate)?;
                    self.contents.certificates.push((cert, local_key_id));
                }
            }
            pkcs12::PKCS_12_SAFE_CONTENTS_BAG_OID => {
                self.safe_contents(value, depth.saturating_add(1))?;
            }
            // CRL, secret and unknown bags are not needed for signing.
            _ => {}
        }
        Ok(())
    }
}

/// The contents of `bagValue [0] EXPLICIT`: the inner element's DER.
fn explicit0(bag_value: &[u8]) -> Result<&[u8], SignError> {
    let outer = AnyRef::from_der(bag_value)
        .map_err(|e| SignError::key_load("malformed PKCS#12 bagValue", e))?;
    let expected = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    };
    if outer.tag() != expected {
        return Err(SignError::key_load_bare(
            "PKCS#12 bagValue is not [0] EXPLICIT",
        ));
    }
    Ok(outer.value())
}

/// The `localKeyId` attribute (PKCS#9, RFC 2985 §5.5.2), if present and well formed.
fn local_key_id(bag: &SafeBag) -> Option<Vec<u8>> {
    let attributes = bag.bag_attributes.as_ref()?;
    let attribute = attributes.iter().find(|a| a.oid == LOCAL_KEY_ID)?;
    let value = attribute.values.iter().next()?;
    let octets: OctetStringRef<'_> = value.decode_as().ok()?;
    Some(octets.as_bytes().to_vec())
}
