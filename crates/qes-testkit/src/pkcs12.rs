//! PKCS#12 (RFC 7292) writing, laid out as OpenSSL 3 writes it by default.
//!
//! ```text
//! PFX { version 3,
//!       authSafe Data(AuthenticatedSafe [
//!           EncryptedData(PBES2: SafeContents [ CertBag leaf (friendlyName, localKeyId),
//!                                               CertBag issuer ... ]),
//!           Data(SafeContents [ PKCS8ShroudedKeyBag PBES2 (friendlyName, localKeyId) ]) ]),
//!       macData HMAC-SHA256 (PKCS#12 KDF, RFC 7292 Appendix B) }
//! ```
//! PBES2 is PBKDF2-HMAC-SHA256 + AES-256-CBC (RFC 8018 §6.2); the password is fed to PBKDF2
//! as its UTF-8 bytes, and to the MAC KDF as a NUL-terminated BMPString, as OpenSSL does.

use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use const_oid::ObjectIdentifier;
use der::asn1::{BmpString, Null, OctetString, SetOfVec};
use der::{Any, Encode};
use hmac::{Hmac, Mac};
use pkcs12::cert_type::CertBag;
use pkcs12::digest_info::DigestInfo;
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs12::mac_data::MacData;
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::pfx::{Pfx, Version};
use pkcs12::safe_bag::SafeBag;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, Attributes};

use crate::error::Result;
use crate::Issued;

const ITERATIONS: u32 = 2048;
const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");

/// 32 deterministic bytes for `purpose`, bound to the certificate and the password.
fn derived(purpose: &str, cert_der: &[u8], password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"qes-testkit/pkcs12/v1\0");
    h.update(purpose.as_bytes());
    h.update(b"\0");
    h.update(Sha256::digest(cert_der));
    h.update(Sha256::digest(password.as_bytes()));
    h.finalize().into()
}

fn split_salt_iv(bytes: [u8; 32]) -> ([u8; 16], [u8; 16]) {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    let (head, tail) = bytes.split_at(16);
    salt.copy_from_slice(head);
    iv.copy_from_slice(tail);
    (salt, iv)
}

/// PBES2 encryption of `plaintext`; returns the AlgorithmIdentifier and the ciphertext.
fn pbes2(
    purpose: &str,
    cert_der: &[u8],
    password: &str,
    plaintext: &[u8],
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
    let (salt, iv) = split_salt_iv(derived(purpose, cert_der, password));
    let params = pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(ITERATIONS, &salt, &iv)?;
    let ciphertext = params.encrypt(password.as_bytes(), plaintext)?;
    let alg = AlgorithmIdentifierOwned {
        oid: pkcs5::pbes2::PBES2_OID,
        parameters: Some(Any::encode_from(&params)?),
    };
    Ok((alg, ciphertext))
}

fn bag_attributes(friendly_name: &str, local_key_id: &[u8]) -> Result<Attributes> {
    let name = Attribute {
        oid: FRIENDLY_NAME,
        values: SetOfVec::try_from(vec![Any::encode_from(&BmpString::from_utf8(
            friendly_name,
        )?)?])?,
    };
    let id = Attribute {
        oid: LOCAL_KEY_ID,
        values: SetOfVec::try_from(vec![Any::encode_from(&OctetString::new(local_key_id)?)?])?,
    };
    Ok(SetOfVec::try_from(vec![name, id])?)
}

fn cert_bag(cert_der: &[u8], attributes: Option<Attributes>) -> Result<SafeBag> {
    let bag = CertBag {
        cert_id: pkcs12::PKCS_12_X509_CERT_OID,
        cert_value: OctetString::new(cert_der)?,
    };
    Ok(SafeBag {
        bag_id: pkcs12::PKCS_12_CERT_BAG_OID,
        bag_value: bag.to_der()?,
        bag_attributes: attributes,
    })
}

pub(crate) fn build(issued: &Issued, password: &str) -> Result<Vec<u8>> {
    let cert_der = issued.cert_der();
    let local_key_id = sha1::Sha1::digest(cert_der).to_vec();
    let attributes = bag_attributes(issued.label(), &local_key_id)?;

    // Certificates: leaf (with attributes) then the chain, in PBES2 EncryptedData.
    let mut cert_bags = vec![cert_bag(cert_der, Some(attributes.clone()))?];
    for der in issued.chain_der() {
        cert_bags.push(cert_bag(der, None)?);
    }
    let (cert_alg, cert_ciphertext) = pbes2("certs", cert_der, password, &cert_bags.to_der()?)?;
    let encrypted = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: ID_DATA,
            content_enc_alg: cert_alg,
            encrypted_content: Some(OctetString::new(cert_ciphertext)?),
        },
        unprotected_attrs: None,
    };
    let certs_ci = ContentInfo {
        content_type: ID_ENCRYPTED_DATA,
        content: Any::encode_from(&encrypted)?,
    };

    // Private key: PKCS8ShroudedKeyBag in plain Data.
    let (key_alg, key_ciphertext) = pbes2("key", cert_der, password, issued.key().pkcs8_der())?;
    let epki = EncryptedPrivateKeyInfo {
        encryption_algorithm: key_alg,
        encrypted_data: OctetString::new(key_ciphertext)?,
    };
    let key_bags = vec![SafeBag {
        bag_id: pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
        bag_value: epki.to_der()?,
        bag_attributes: Some(attributes),
    }];
    let key_ci = ContentInfo {
        content_type: ID_DATA,
        content: Any::encode_from(&OctetString::new(key_bags.to_der()?)?)?,
    };

    let auth_safe_der = vec![certs_ci, key_ci].to_der()?;

    let (mac_salt, _) = split_salt_iv(derived("mac", cert_der, password));
    let iterations = i32::try_from(ITERATIONS).unwrap_or(i32::MAX);
    let mac_key =
        derive_key_utf8::<Sha256>(password, &mac_salt, Pkcs12KeyType::Mac, iterations, 32)?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&mac_key)
        .map_err(|_| der::Error::from(der::ErrorKind::Failed))?;
    mac.update(&auth_safe_der);
    let digest = mac.finalize().into_bytes();

    let pfx = Pfx {
        version: Version::V3,
        auth_safe: ContentInfo {
            content_type: ID_DATA,
            content: Any::encode_from(&OctetString::new(auth_safe_der)?)?,
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: ID_SHA256,
                    parameters: Some(Any::from(Null)),
                },
                digest: OctetString::new(digest.to_vec())?,
            },
            mac_salt: OctetString::new(mac_salt.to_vec())?,
            iterations,
        }),
    };
    Ok(pfx.to_der()?)
}
