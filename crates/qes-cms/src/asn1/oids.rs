//! Object identifiers of CMS (RFC 5652), ESS (RFC 2634, RFC 5035), CAdES (ETSI EN 319 122-1,
//! RFC 5126) and time-stamping (RFC 3161).
//!
//! Taken from `const_oid::db` where it defines them; the rest are spelled out here.
//!
//! ```text
//! pkcs-9 OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) 9 }
//! id-smime OBJECT IDENTIFIER ::= { pkcs-9 16 }
//! id-ct OBJECT IDENTIFIER ::= { id-smime 1 }      -- content types
//! id-aa OBJECT IDENTIFIER ::= { id-smime 2 }      -- attributes
//! id-cti OBJECT IDENTIFIER ::= { id-smime 6 }     -- commitment types
//! ```

use const_oid::db::{rfc5280, rfc5911};
use const_oid::ObjectIdentifier;

/// RFC 5652 §4: arbitrary octet strings.
///
/// ```text
/// id-data OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs7(7) 1 }
/// ```
pub const ID_DATA: ObjectIdentifier = rfc5911::ID_DATA;

/// RFC 5652 §5.1: `SignedData`.
///
/// ```text
/// id-signedData OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs7(7) 2 }
/// ```
pub const ID_SIGNED_DATA: ObjectIdentifier = rfc5911::ID_SIGNED_DATA;

/// RFC 3161 §2.4.2: the eContentType of a time-stamp token.
///
/// ```text
/// id-ct-TSTInfo OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) ct(1) 4 }
/// ```
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// RFC 5652 §11.1: the content-type signed attribute.
///
/// ```text
/// id-contentType OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) 3 }
/// ContentType ::= OBJECT IDENTIFIER
/// ```
pub const CONTENT_TYPE: ObjectIdentifier = rfc5911::ID_CONTENT_TYPE;

/// RFC 5652 §11.2: the message-digest signed attribute.
///
/// ```text
/// id-messageDigest OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) 4 }
/// MessageDigest ::= OCTET STRING
/// ```
pub const MESSAGE_DIGEST: ObjectIdentifier = rfc5911::ID_MESSAGE_DIGEST;

/// RFC 5652 §11.3: the signing-time signed attribute.
///
/// ```text
/// id-signingTime OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) 5 }
/// SigningTime ::= Time
/// ```
pub const SIGNING_TIME: ObjectIdentifier = rfc5911::ID_SIGNING_TIME;

/// RFC 5652 §11.4: the countersignature unsigned attribute.
///
/// ```text
/// id-countersignature OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) 6 }
/// Countersignature ::= SignerInfo
/// ```
pub const COUNTERSIGNATURE: ObjectIdentifier = rfc5911::ID_COUNTERSIGNATURE;

/// RFC 2634 §5.4: the ESS signing-certificate attribute (SHA-1 certificate hashes).
///
/// ```text
/// id-aa-signingCertificate OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) smime(16) id-aa(2) 12 }
/// ```
pub const SIGNING_CERTIFICATE: ObjectIdentifier = rfc5911::ID_AA_SIGNING_CERTIFICATE;

/// RFC 5035 §3: the ESS signing-certificate-v2 attribute.
///
/// ```text
/// id-aa-signingCertificateV2 OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) smime(16) id-aa(2) 47 }
/// ```
pub const SIGNING_CERTIFICATE_V2: ObjectIdentifier = rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2;

/// ETSI EN 319 122-1 §5.3, RFC 3161 Appendix A: the signature-time-stamp unsigned attribute.
///
/// ```text
/// id-aa-signatureTimeStampToken OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) aa(2) 14 }
/// SignatureTimeStampToken ::= TimeStampToken
/// ```
pub const SIGNATURE_TIME_STAMP: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// ETSI EN 319 122-1 §5.2.3: the commitment-type-indication signed attribute.
///
/// ```text
/// id-aa-ets-commitmentType OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) smime(16) id-aa(2) 16 }
/// ```
pub const COMMITMENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.16");

/// ETSI EN 319 122-1 §5.2.5: the signer-location signed attribute.
///
/// ```text
/// id-aa-ets-signerLocation OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) smime(16) id-aa(2) 17 }
/// ```
pub const SIGNER_LOCATION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.17");

/// ETSI EN 319 122-1 §5.2.8: the content-time-stamp signed attribute.
///
/// ```text
/// id-aa-ets-contentTimestamp OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) id-aa(2) 20 }
/// ContentTimestamp ::= TimeStampToken
/// ```
pub const CONTENT_TIMESTAMP: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.20");

/// RFC 5280 §4.2.1.12, RFC 3161 §2.3: the extended key usage a TSA certificate carries (alone,
/// critical).
///
/// ```text
/// id-kp-timeStamping OBJECT IDENTIFIER ::= { iso(1) identified-organization(3) dod(6) internet(1) security(5) mechanisms(5) pkix(7) kp(3) 8 }
/// ```
pub const ID_KP_TIME_STAMPING: ObjectIdentifier = rfc5280::ID_KP_TIME_STAMPING;

/// ETSI TS 119 172-1 / RFC 5126 §5.11.1: the signer recognizes to have created, approved and
/// sent the data.
///
/// ```text
/// id-cti-ets-proofOfOrigin OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) cti(6) 1 }
/// ```
pub const PROOF_OF_ORIGIN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.1");

/// ETSI TS 119 172-1 / RFC 5126 §5.11.1: the signer recognizes to have received the content.
///
/// ```text
/// id-cti-ets-proofOfReceipt OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) cti(6) 2 }
/// ```
pub const PROOF_OF_RECEIPT: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.2");

/// ETSI TS 119 172-1 / RFC 5126 §5.11.1: a trusted service provider indicates that the content
/// was delivered to a recipient.
///
/// ```text
/// id-cti-ets-proofOfDelivery OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) cti(6) 3 }
/// ```
pub const PROOF_OF_DELIVERY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.3");

/// ETSI TS 119 172-1 / RFC 5126 §5.11.1: the entity signing has sent the content (not
/// necessarily created it).
///
/// ```text
/// id-cti-ets-proofOfSender OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) cti(6) 4 }
/// ```
pub const PROOF_OF_SENDER: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.4");

/// ETSI TS 119 172-1 / RFC 5126 §5.11.1: the signer has approved the content.
///
/// ```text
/// id-cti-ets-proofOfApproval OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) cti(6) 5 }
/// ```
pub const PROOF_OF_APPROVAL: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.5");

/// ETSI TS 119 172-1 / RFC 5126 §5.11.1: the signer has created the content (not necessarily
/// approved or sent it).
///
/// ```text
/// id-cti-ets-proofOfCreation OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs-9(9) smime(16) cti(6) 6 }
/// ```
pub const PROOF_OF_CREATION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.6");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_forms() {
        let expect = [
            (ID_DATA, "1.2.840.113549.1.7.1"),
            (ID_SIGNED_DATA, "1.2.840.113549.1.7.2"),
            (ID_CT_TST_INFO, "1.2.840.113549.1.9.16.1.4"),
            (CONTENT_TYPE, "1.2.840.113549.1.9.3"),
            (MESSAGE_DIGEST, "1.2.840.113549.1.9.4"),
            (SIGNING_TIME, "1.2.840.113549.1.9.5"),
            (COUNTERSIGNATURE, "1.2.840.113549.1.9.6"),
            (SIGNING_CERTIFICATE, "1.2.840.113549.1.9.16.2.12"),
            (SIGNING_CERTIFICATE_V2, "1.2.840.113549.1.9.16.2.47"),
            (SIGNATURE_TIME_STAMP, "1.2.840.113549.1.9.16.2.14"),
            (COMMITMENT_TYPE, "1.2.840.113549.1.9.16.2.16"),
            (SIGNER_LOCATION, "1.2.840.113549.1.9.16.2.17"),
            (CONTENT_TIMESTAMP, "1.2.840.113549.1.9.16.2.20"),
            (ID_KP_TIME_STAMPING, "1.3.6.1.5.5.7.3.8"),
            (PROOF_OF_ORIGIN, "1.2.840.113549.1.9.16.6.1"),
            (PROOF_OF_RECEIPT, "1.2.840.113549.1.9.16.6.2"),
            (PROOF_OF_DELIVERY, "1.2.840.113549.1.9.16.6.3"),
            (PROOF_OF_SENDER, "1.2.840.113549.1.9.16.6.4"),
            (PROOF_OF_APPROVAL, "1.2.840.113549.1.9.16.6.5"),
            (PROOF_OF_CREATION, "1.2.840.113549.1.9.16.6.6"),
        ];
        for (oid, dotted) in expect {
            assert_eq!(oid.to_string(), dotted);
        }
    }
}
