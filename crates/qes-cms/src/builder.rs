//! Building CAdES baseline signatures (ETSI EN 319 122-1 §5 and §6: B-B, B-T) as CMS
//! `SignedData` (RFC 5652 §5): attached or detached, one or several signers, countersignatures
//! (RFC 5652 §11.4), and signature timestamps added later.
//!
//! Signed attributes of a B-B signature (EN 319 122-1 §5.2):
//!
//! | attribute | when |
//! |---|---|
//! | content-type | always (not in countersignatures, RFC 5652 §11.1) |
//! | message-digest | always |
//! | signing-time | CAdES B-B (EN 319 122-1 §5.2.1); omitted for PAdES (EN 319 142-1 §6.3) |
//! | signing-certificate-v2 | always (EN 319 122-1 §5.2.2.3), hash = the message digest's |
//! | commitment-type-indication | optional (§5.2.3) |
//! | signer-location | optional (§5.2.5) |
//!
//! The attributes are a DER `SET OF`, sorted (X.690 §11.6); the signer signs exactly those
//! bytes, and only those: it never sees the document.

use crate::asn1::{self, oids, CommitmentTypeIndication, SignerLocation};
use crate::signed_data::{SignedDataView, SignerInfoView};
use crate::timestamp::Timestamper;
use crate::tlv::{self, tags};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use qes_signer::{DigestAlgorithm, SignatureAlgorithm, Signer};
use std::io::Read;

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignerIdentifierKind {
    /// `issuerAndSerialNumber` (SignerInfo version 1): what every verifier understands.
    #[default]
    IssuerAndSerialNumber,
    /// `subjectKeyIdentifier` (SignerInfo version 3).
    SubjectKeyIdentifier,
}

/// Builds CAdES B-B / B-T signatures with any [`Signer`].
///
/// ```text
/// CadesBuilder::new(&signer)
///     .signing_time(now)            CAdES B-B requires it; PAdES leaves it out
///     .timestamper(&tsa)            B-T: a signature-time-stamp over the signature value
///     .sign_detached(&content)      → DER ContentInfo (.p7s)
/// ```
#[derive(Clone)]
pub struct CadesBuilder<'s> {
    signer: &'s dyn Signer,
    algorithm: SignatureAlgorithm,
    signing_time: Option<DateTime<Utc>>,
    commitment: Option<CommitmentTypeIndication>,
    location: Option<SignerLocation>,
    timestamper: Option<&'s dyn Timestamper>,
    content_type: ObjectIdentifier,
    identifier: SignerIdentifierKind,
    include_chain: bool,
    include_signer_certificate: bool,
    extra_signed: Vec<(ObjectIdentifier, Vec<u8>)>,
}

impl std::fmt::Debug for CadesBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CadesBuilder")
            .field("algorithm", &self.algorithm)
            .field("signing_time", &self.signing_time)
            .field("timestamped", &self.timestamper.is_some())
            .field("content_type", &self.content_type)
            .field("identifier", &self.identifier)
            .finish_non_exhaustive()
    }
}

/// One signature being assembled: everything but the signature value.
struct Pending {
    digest_algorithm: DigestAlgorithm,
    signed_attrs: Vec<u8>,
}

impl<'s> CadesBuilder<'s> {
    /// A builder signing with `signer`'s default algorithm, content type `id-data`, no
    /// signing time (set one for CAdES B-B), issuer-and-serial identification, the signer's
    /// chain included.
    pub fn new(signer: &'s dyn Signer) -> Self {
        Self {
            signer,
            algorithm: signer.default_algorithm(),
            signing_time: None,
            commitment: None,
            location: None,
            timestamper: None,
            content_type: oids::ID_DATA,
            identifier: SignerIdentifierKind::default(),
            include_chain: true,
            include_signer_certificate: true,
            extra_signed: Vec::new(),
        }
    }

    /// Sign with `algorithm` (one of [`Signer::algorithms`]).
    pub fn algorithm(mut self, algorithm: SignatureAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The claimed signing time (signing-time attribute). Required by CAdES B-B; not allowed
    /// in PAdES.
    pub fn signing_time(mut self, time: DateTime<Utc>) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// A commitment-type-indication (EN 319 122-1 §5.2.3).
    pub fn commitment(mut self, commitment: CommitmentTypeIndication) -> Self {
        self.commitment = Some(commitment);
        self
    }

    /// A signer-location (EN 319 122-1 §5.2.5).
    pub fn location(mut self, location: SignerLocation) -> Self {
        self.location = Some(location);
        self
    }

    /// Add a signature-time-stamp from `timestamper` (CAdES B-T).
    pub fn timestamper(mut self, timestamper: &'s dyn Timestamper) -> Self {
        self.timestamper = Some(timestamper);
        self
    }

    /// The encapsulated content type (default `id-data`; a TSA signs `id-ct-TSTInfo`).
    pub fn content_type(mut self, content_type: ObjectIdentifier) -> Self {
        self.content_type = content_type;
        self
    }

    /// How the SignerInfo names the certificate.
    pub fn identifier(mut self, kind: SignerIdentifierKind) -> Self {
        self.identifier = kind;
        self
    }

    /// Leave the signer's issuing chain out of `certificates` (the signer's own certificate
    /// is always included).
    pub fn without_chain(mut self) -> Self {
        self.include_chain = false;
        self
    }

    /// Leave every certificate out of `certificates`, the signer's own too (an RFC 3161
    /// token answering a request without `certReq`, §2.4.1). The signing-certificate-v2
    /// attribute still names the signer's certificate.
    pub fn without_certificates(mut self) -> Self {
        self.include_chain = false;
        self.include_signer_certificate = false;
        self
    }

    /// An additional signed attribute (`value` is the DER of one AttributeValue).
    pub fn signed_attribute(mut self, oid: ObjectIdentifier, value: Vec<u8>) -> Self {
        self.extra_signed.push((oid, value));
        self
    }

    /// The digest algorithm of the message digest: the signature algorithm's hash.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.algorithm.digest()
    }

    /// Sign `content`, encapsulating it (an attached / enveloping `.p7s`).
    ///
    /// # Errors
    /// The signer's or timestamper's failure, or an encoding failure.
    pub fn sign_attached(&self, content: &[u8]) -> Result<Vec<u8>> {
        let digest = self.digest_algorithm().digest(content);
        let signer_info = self.signer_info_for_digest(&digest, true)?;
        self.assemble(Some(content), vec![signer_info], &[], &[])
    }

    /// Sign `content` without encapsulating it (a detached `.p7s`).
    ///
    /// # Errors
    /// As [`CadesBuilder::sign_attached`].
    pub fn sign_detached(&self, content: &[u8]) -> Result<Vec<u8>> {
        self.sign_detached_digest(&self.digest_algorithm().digest(content))
    }

    /// Sign content read from `reader` in one streaming pass (a detached `.p7s`); the content
    /// is never held in memory.
    ///
    /// # Errors
    /// [`Error::Io`] when reading fails, else as [`CadesBuilder::sign_attached`].
    pub fn sign_detached_reader(&self, mut reader: impl Read) -> Result<Vec<u8>> {
        let mut hasher = self.digest_algorithm().hasher();
        std::io::copy(&mut reader, &mut hasher).map_err(Error::Io)?;
        self.sign_detached_digest(&hasher.finish())
    }

    /// Sign content whose digest (with [`CadesBuilder::digest_algorithm`]) is already known,
    /// e.g. a PDF's ByteRange.
    ///
    /// # Errors
    /// [`Error::Structure`] when the digest length is wrong, else as
    /// [`CadesBuilder::sign_attached`].
    pub fn sign_detached_digest(&self, digest: &[u8]) -> Result<Vec<u8>> {
        if digest.len() != self.digest_algorithm().output_len() {
            return Err(Error::Structure {
                what: "digest",
                reason: "wrong length for the digest algorithm",
            });
        }
        let signer_info = self.signer_info_for_digest(digest, true)?;
        self.assemble(None, vec![signer_info], &[], &[])
    }

    /// Sign many contents detached with one call to [`Signer::sign_batch`] (one token
    /// login, one cloud authorization), returning one `.p7s` per content, in order.
    ///
    /// # Errors
    /// As [`CadesBuilder::sign_attached`]; a failure fails the whole batch.
    pub fn sign_detached_batch(&self, contents: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        let pending: Vec<Pending> = contents
            .iter()
            .map(|c| self.pending(&self.digest_algorithm().digest(c), true))
            .collect::<Result<_>>()?;
        let tbs: Vec<&[u8]> = pending.iter().map(|p| p.signed_attrs.as_slice()).collect();
        let signatures = self.signer.sign_batch(self.algorithm, &tbs)?;
        if signatures.len() != pending.len() {
            return Err(Error::Structure {
                what: "batch signature",
                reason: "the signer returned the wrong number of signatures",
            });
        }
        pending
            .iter()
            .zip(signatures)
            .map(|(p, signature)| {
                let si = self.finish_signer_info(p, &signature)?;
                self.assemble(None, vec![si], &[], &[])
            })
            .collect()
    }

    /// Add this builder's signer as a parallel signer to an existing signature (RFC 5652
    /// §5.1: one more SignerInfo). Existing signers, certificates and CRLs are kept byte for
    /// byte; for a detached signature the content must be given.
    ///
    /// # Errors
    /// [`Error::Structure`] when detached content is missing (or given for an attached
    /// signature), or the content types differ; else as [`CadesBuilder::sign_attached`].
    pub fn add_parallel_signature(
        &self,
        existing: &[u8],
        detached_content: Option<&[u8]>,
    ) -> Result<Vec<u8>> {
        let der = asn1::normalize_to_der(existing, &asn1::BerLimits::default())?;
        let sd = SignedDataView::parse_content_info(&der)?;
        if sd.econtent_type != self.content_type {
            return Err(Error::Structure {
                what: "content type",
                reason: "the new signer's content type differs from the existing signature's",
            });
        }
        let content = match (sd.econtent, detached_content) {
            (Some(c), None) => c,
            (None, Some(c)) => c,
            (Some(_), Some(_)) => {
                return Err(Error::Structure {
                    what: "content",
                    reason: "the signature encapsulates its content; do not supply it again",
                })
            }
            (None, None) => {
                return Err(Error::Structure {
                    what: "content",
                    reason: "a detached signature needs its content to add a signer",
                })
            }
        };
        let digest = self.digest_algorithm().digest(content);
        let new_si = self.signer_info_for_digest(&digest, true)?;
        let mut infos: Vec<Vec<u8>> = sd.signer_infos.iter().map(|si| si.full.to_vec()).collect();
        infos.push(new_si);
        self.assemble(sd.econtent, infos, &sd.certificate_set, &sd.revocation_set)
    }

    /// Countersign the signer at `index` of an existing signature (RFC 5652 §11.4): a
    /// SignerInfo over that signer's signature value, added to its unsigned attributes. All
    /// other signers, certificates and revocation entries are kept as received. The
    /// SignerInfos are written as a DER `SET OF`, so the grown signer may move: find it again
    /// by its [`crate::SignerId`], not by `index`.
    ///
    /// # Errors
    /// [`Error::Structure`] when `index` names no signer; else as
    /// [`CadesBuilder::sign_attached`].
    pub fn countersign(&self, existing: &[u8], index: usize) -> Result<Vec<u8>> {
        let der = asn1::normalize_to_der(existing, &asn1::BerLimits::default())?;
        let sd = SignedDataView::parse_content_info(&der)?;
        let target = signer_at(&sd, index)?;
        let digest = self.digest_algorithm().digest(target.signature);
        let counter = self.signer_info_for_digest(&digest, false)?;
        let updated = with_unsigned_attribute(target, oids::COUNTERSIGNATURE, counter);
        replace_signer(&sd, index, updated, self.certificates())
    }

    fn certificates(&self) -> Vec<Vec<u8>> {
        let mut certs = Vec::new();
        if self.include_signer_certificate {
            certs.push(self.signer.certificate().der().to_vec());
        }
        if self.include_chain {
            certs.extend(self.signer.chain().iter().map(|c| c.der().to_vec()));
        }
        certs
    }

    fn pending(&self, digest: &[u8], with_content_type: bool) -> Result<Pending> {
        let cert = self.signer.certificate();
        let digest_algorithm = self.digest_algorithm();
        let mut attrs = Vec::new();
        if with_content_type {
            attrs.push(attribute(
                oids::CONTENT_TYPE,
                &tlv::to_der(&self.content_type, "content-type")?,
            ));
        }
        let md = der::asn1::OctetString::new(digest).map_err(|source| Error::Encode {
            what: "message-digest",
            source,
        })?;
        attrs.push(attribute(
            oids::MESSAGE_DIGEST,
            &tlv::to_der(&md, "message-digest")?,
        ));
        if let Some(time) = self.signing_time {
            attrs.push(attribute(oids::SIGNING_TIME, &asn1::encode_time(time)?));
        }
        let reference = asn1::EssCertIdV2::for_certificate(
            cert.der(),
            cert.issuer(),
            &cert.x509().tbs_certificate.serial_number,
            digest_algorithm,
        )?;
        let signing_certificate = asn1::SigningCertificateV2 {
            certs: vec![reference],
            policies: None,
        };
        attrs.push(attribute(
            oids::SIGNING_CERTIFICATE_V2,
            &signing_certificate.to_der()?,
        ));
        if let Some(c) = &self.commitment {
            attrs.push(attribute(oids::COMMITMENT_TYPE, &c.to_der()?));
        }
        if let Some(l) = &self.location {
            attrs.push(attribute(oids::SIGNER_LOCATION, &l.to_der()?));
        }
        for (oid, value) in &self.extra_signed {
            attrs.push(attribute(*oid, value));
        }
        Ok(Pending {
            digest_algorithm,
            signed_attrs: tlv::encode_set_of(tags::SET, attrs),
        })
    }

    fn signer_info_for_digest(&self, digest: &[u8], with_content_type: bool) -> Result<Vec<u8>> {
        let pending = self.pending(digest, with_content_type)?;
        let signature = self.signer.sign(self.algorithm, &pending.signed_attrs)?;
        self.finish_signer_info(&pending, &signature)
    }

    fn finish_signer_info(&self, pending: &Pending, signature: &[u8]) -> Result<Vec<u8>> {
        let cert = self.signer.certificate();
        let (version, sid) = match self.identifier {
            SignerIdentifierKind::IssuerAndSerialNumber => {
                let ias = cms::cert::IssuerAndSerialNumber {
                    issuer: cert.issuer().clone(),
                    serial_number: cert.x509().tbs_certificate.serial_number.clone(),
                };
                (1u8, tlv::to_der(&ias, "issuerAndSerialNumber")?)
            }
            SignerIdentifierKind::SubjectKeyIdentifier => {
                let ski = match cert.extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>() {
                    Ok(Some((_, ski))) => ski,
                    _ => {
                        return Err(Error::Structure {
                            what: "signer certificate",
                            reason: "no subject key identifier extension",
                        })
                    }
                };
                (3u8, tlv::encode(0x80, ski.0.as_bytes()))
            }
        };
        // [0] IMPLICIT: the SET's content octets under the context tag.
        let attrs_content = tlv::single(&pending.signed_attrs, "signed attributes")?.value;
        let mut parts = vec![
            tlv::encode(0x02, &[version]),
            sid,
            tlv::to_der(
                &pending.digest_algorithm.algorithm_identifier(),
                "digestAlgorithm",
            )?,
            tlv::encode(tags::CONTEXT_0_CONSTRUCTED, attrs_content),
            tlv::to_der(
                &self.algorithm.algorithm_identifier()?,
                "signatureAlgorithm",
            )?,
            tlv::encode(tags::OCTET_STRING, signature),
        ];
        if let Some(tsa) = self.timestamper {
            let alg = tsa.digest_algorithm();
            let token = tsa
                .timestamp(alg, &alg.digest(signature))
                .map_err(|source| Error::Timestamp { source })?;
            parts.push(tlv::encode(
                tags::CONTEXT_1_CONSTRUCTED,
                &attribute(oids::SIGNATURE_TIME_STAMP, &token),
            ));
        }
        Ok(tlv::encode_parts(tags::SEQUENCE, &parts))
    }

    /// Assemble ContentInfo { SignedData } from encoded SignerInfos.
    fn assemble(
        &self,
        content: Option<&[u8]>,
        signer_infos: Vec<Vec<u8>>,
        existing_certs: &[&[u8]],
        existing_crls: &[&[u8]],
    ) -> Result<Vec<u8>> {
        let mut certs: Vec<Vec<u8>> = existing_certs.iter().map(|c| c.to_vec()).collect();
        for c in self.certificates() {
            if !certs.contains(&c) {
                certs.push(c);
            }
        }
        let crls: Vec<Vec<u8>> = existing_crls.iter().map(|c| c.to_vec()).collect();
        let digest_algs = vec![self.digest_algorithm()];
        encode_signed_data(
            self.content_type,
            content,
            &digest_algs,
            certs,
            crls,
            signer_infos,
        )
    }
}

/// Add one signature-time-stamp (EN 319 122-1 §5.3) to the signer at `index` of an existing
/// signature, turning B-B into B-T. Everything else is kept as received; as with
/// [`CadesBuilder::countersign`], signer positions may change (SignerInfos are a DER `SET OF`).
///
/// # Errors
/// [`Error::Structure`] when `index` names no signer; the timestamper's failure.
pub fn add_signature_timestamp(
    existing: &[u8],
    index: usize,
    timestamper: &dyn Timestamper,
) -> Result<Vec<u8>> {
    let der = asn1::normalize_to_der(existing, &asn1::BerLimits::default())?;
    let sd = SignedDataView::parse_content_info(&der)?;
    let target = signer_at(&sd, index)?;
    let alg = timestamper.digest_algorithm();
    let token = timestamper
        .timestamp(alg, &alg.digest(target.signature))
        .map_err(|source| Error::Timestamp { source })?;
    let updated = with_unsigned_attribute(target, oids::SIGNATURE_TIME_STAMP, token);
    replace_signer(&sd, index, updated, Vec::new())
}

/// `Attribute ::= SEQUENCE { attrType, attrValues SET OF AttributeValue }` with one value.
fn attribute(oid: ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    let oid_der = tlv::encode(0x06, oid.as_bytes());
    tlv::encode_parts(tags::SEQUENCE, &[oid_der, tlv::encode(tags::SET, value)])
}

/// The SignerInfo with one more unsigned attribute value: added to an existing attribute of
/// the same type (a SET OF values), else as a new attribute.
fn with_unsigned_attribute(
    si: &SignerInfoView<'_>,
    oid: ObjectIdentifier,
    value: Vec<u8>,
) -> Vec<u8> {
    let mut attrs: Vec<Vec<u8>> = Vec::new();
    let mut added = false;
    if let Some(unsigned) = &si.unsigned_attrs {
        for a in &unsigned.attributes {
            let mut values: Vec<Vec<u8>> = a.values.iter().map(|v| v.to_vec()).collect();
            if a.oid == oid && !added {
                values.push(value.clone());
                added = true;
            }
            let oid_der = tlv::encode(0x06, a.oid.as_bytes());
            attrs.push(tlv::encode_parts(
                tags::SEQUENCE,
                &[oid_der, tlv::encode_set_of(tags::SET, values)],
            ));
        }
    }
    if !added {
        attrs.push(attribute(oid, &value));
    }
    // Unsigned attributes are not signed by this SignerInfo, but DER still wants the SET sorted.
    let unsigned = tlv::encode_set_of(tags::CONTEXT_1_CONSTRUCTED, attrs);
    tlv::encode_parts(tags::SEQUENCE, &[si.signed_part, unsigned.as_slice()])
}

/// Re-assemble `sd` with the SignerInfo at `index` replaced and `extra_certs` merged.
fn replace_signer(
    sd: &SignedDataView<'_>,
    index: usize,
    updated: Vec<u8>,
    extra_certs: Vec<Vec<u8>>,
) -> Result<Vec<u8>> {
    let infos: Vec<Vec<u8>> = sd
        .signer_infos
        .iter()
        .enumerate()
        .map(|(i, si)| {
            if i == index {
                updated.clone()
            } else {
                si.full.to_vec()
            }
        })
        .collect();
    let mut certs: Vec<Vec<u8>> = sd.certificate_set.iter().map(|c| c.to_vec()).collect();
    for c in extra_certs {
        if !certs.contains(&c) {
            certs.push(c);
        }
    }
    let crls = sd.revocation_set.iter().map(|c| c.to_vec()).collect();
    encode_signed_data_raw(sd, certs, crls, infos)
}

/// Encode ContentInfo { SignedData } (RFC 5652 §5.1) from parts.
fn encode_signed_data(
    content_type: ObjectIdentifier,
    content: Option<&[u8]>,
    digest_algorithms: &[DigestAlgorithm],
    certificates: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    signer_infos: Vec<Vec<u8>>,
) -> Result<Vec<u8>> {
    let mut encap = vec![tlv::encode(0x06, content_type.as_bytes())];
    if let Some(content) = content {
        encap.push(tlv::encode(
            tags::CONTEXT_0_CONSTRUCTED,
            &tlv::encode(tags::OCTET_STRING, content),
        ));
    }
    let encap = tlv::encode_parts(tags::SEQUENCE, &encap);
    let algs = digest_algorithms
        .iter()
        .map(|d| tlv::to_der(&d.algorithm_identifier(), "digestAlgorithm"))
        .collect::<Result<Vec<_>>>()?;
    finish_signed_data(content_type, algs, encap, certificates, crls, signer_infos)
}

/// Encode with the encapContentInfo of `sd` kept as received, digest algorithms merged from
/// every SignerInfo.
fn encode_signed_data_raw(
    sd: &SignedDataView<'_>,
    certificates: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    signer_infos: Vec<Vec<u8>>,
) -> Result<Vec<u8>> {
    let algs = sd
        .digest_algorithms
        .iter()
        .map(|a| tlv::to_der(a, "digestAlgorithm"))
        .collect::<Result<Vec<_>>>()?;
    finish_signed_data(
        sd.econtent_type,
        algs,
        sd.parts.encap_content_info.to_vec(),
        certificates,
        crls,
        signer_infos,
    )
}

fn finish_signed_data(
    content_type: ObjectIdentifier,
    mut digest_algorithms: Vec<Vec<u8>>,
    encap: Vec<u8>,
    certificates: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    signer_infos: Vec<Vec<u8>>,
) -> Result<Vec<u8>> {
    // Every SignerInfo's digest algorithm is listed (RFC 5652 §5.1), each once. Only the
    // SignerInfos' first fields are read: they are ours or already parsed once.
    let mut any_v3 = false;
    for si in &signer_infos {
        let (version, digest_algorithm) = signer_info_header(si)?;
        any_v3 |= version == 3;
        if !digest_algorithms
            .iter()
            .any(|d| d.as_slice() == digest_algorithm)
        {
            digest_algorithms.push(digest_algorithm.to_vec());
        }
    }
    // RFC 5652 §5.1: 5 with `other` certificates ([3]) or revocation info ([1]); 4 with v2
    // attribute certificates ([2]); 3 with v1 attribute certificates ([1]), a v3 SignerInfo
    // or an eContentType other than id-data; else 1.
    let cert_tag = |tag: u8| certificates.iter().any(|c| c.first() == Some(&tag));
    let version: u8 = if cert_tag(0xa3) || crls.iter().any(|c| c.first() == Some(&0xa1)) {
        5
    } else if cert_tag(0xa2) {
        4
    } else if cert_tag(0xa1) || content_type != oids::ID_DATA || any_v3 {
        3
    } else {
        1
    };
    let mut parts = vec![
        tlv::encode(0x02, &[version]),
        tlv::encode_set_of(tags::SET, digest_algorithms),
        encap,
    ];
    if !certificates.is_empty() {
        parts.push(tlv::encode_set_of(
            tags::CONTEXT_0_CONSTRUCTED,
            certificates,
        ));
    }
    if !crls.is_empty() {
        parts.push(tlv::encode_set_of(tags::CONTEXT_1_CONSTRUCTED, crls));
    }
    parts.push(tlv::encode_set_of(tags::SET, signer_infos));
    let signed_data = tlv::encode_parts(tags::SEQUENCE, &parts);
    let oid = tlv::encode(0x06, oids::ID_SIGNED_DATA.as_bytes());
    Ok(tlv::encode_parts(
        tags::SEQUENCE,
        &[oid, tlv::encode(tags::CONTEXT_0_CONSTRUCTED, &signed_data)],
    ))
}

/// The SignerInfo at `index`.
fn signer_at<'v, 'a>(sd: &'v SignedDataView<'a>, index: usize) -> Result<&'v SignerInfoView<'a>> {
    sd.signer_infos.get(index).ok_or(Error::Structure {
        what: "signer index",
        reason: "no signer at that index",
    })
}

/// A SignerInfo's version and the DER of its digestAlgorithm (RFC 5652 §5.3: the first and
/// third fields), without decoding the rest.
fn signer_info_header(si: &[u8]) -> Result<(u8, &[u8])> {
    let outer = tlv::expect(si, der::Tag::Sequence, "SignerInfo")?;
    let fields = tlv::children(outer.value, "SignerInfo")?;
    match fields.as_slice() {
        [version, _sid, digest_algorithm, ..] => Ok((
            tlv::small_uint(version, "SignerInfo version")?,
            digest_algorithm.full,
        )),
        _ => Err(Error::Structure {
            what: "SignerInfo",
            reason: "fewer than three fields",
        }),
    }
}
