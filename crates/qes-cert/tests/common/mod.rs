//! Helpers shared by the integration tests: DER TLV re-assembly.
#![allow(dead_code, clippy::unwrap_used)]

/// One DER TLV with a definite length (short form, or the minimal long form).
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The `validity` TLV of a `tbsCertificate` as received. (`x509().tbs_certificate.validity`
/// is not read: for times before 1970 it holds a placeholder.)
pub fn validity_as_received(tbs: &[u8]) -> Vec<u8> {
    use der::{Decode, Reader};
    let mut r = der::SliceReader::new(tbs).unwrap();
    der::Header::decode(&mut r).unwrap();
    let version = der::Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber::N0,
    };
    if r.peek_tag().unwrap() == version {
        r.tlv_bytes().unwrap();
    }
    for _ in 0..3 {
        r.tlv_bytes().unwrap(); // serialNumber, signature, issuer
    }
    r.tlv_bytes().unwrap().to_vec()
}

/// Re-assemble a certificate: `version` replaces the version TLV, `f` may replace an
/// extension's full TLV, `extra` extensions are appended.
pub fn rebuild_with(
    der: &[u8],
    version: Option<Vec<u8>>,
    f: impl Fn(&x509_cert::ext::Extension) -> Option<Vec<u8>>,
    extra: &[Vec<u8>],
) -> Vec<u8> {
    use der::Encode;
    let c = qes_cert::Certificate::from_der(der, qes_cert::ParseMode::Lenient).unwrap();
    let x = c.x509();
    let t = &x.tbs_certificate;
    let mut tbs = version.unwrap_or_else(|| tlv(0xa0, &t.version.to_der().unwrap()));
    tbs.extend(t.serial_number.to_der().unwrap());
    tbs.extend(t.signature.to_der().unwrap());
    tbs.extend(t.issuer.to_der().unwrap());
    tbs.extend(validity_as_received(c.tbs_der()));
    tbs.extend(t.subject.to_der().unwrap());
    tbs.extend(t.subject_public_key_info.to_der().unwrap());
    let mut exts = Vec::new();
    for e in t.extensions.iter().flatten() {
        exts.extend(f(e).unwrap_or_else(|| e.to_der().unwrap()));
    }
    for e in extra {
        exts.extend(e);
    }
    if !exts.is_empty() {
        tbs.extend(tlv(0xa3, &tlv(0x30, &exts)));
    }
    let mut cert = tlv(0x30, &tbs);
    cert.extend(x.signature_algorithm.to_der().unwrap());
    cert.extend(x.signature.to_der().unwrap());
    tlv(0x30, &cert)
}

pub fn rebuild(der: &[u8], f: impl Fn(&x509_cert::ext::Extension) -> Option<Vec<u8>>) -> Vec<u8> {
    rebuild_with(der, None, f, &[])
}
