//! `asn1::normalize_to_der` against real BER and DER CMS vectors (RustCrypto/formats, vendored
//! in `third-party/rustcrypto-formats/`) and against generated trees.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use cms::content_info::ContentInfo;
use cms::enveloped_data::EnvelopedData;
use cms::signed_data::SignedData;
use der::{Decode, Encode, Reader};
use proptest::prelude::*;
use qes_cms::asn1::{normalize_to_der, oids, BerErrorKind, BerLimits, DecodeError};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../third-party/rustcrypto-formats/cms/tests/examples")
}

/// Files of the upstream examples folder that are not a `ContentInfo`, and what they are.
const NOT_CONTENT_INFO: &[(&str, &str)] = &[
    ("GoodCACert.crt", "an X.509 certificate (DER)"),
    ("GoodCACert.pem", "PEM text"),
    (
        "ValidCertificatePathTest1EE.crt",
        "an X.509 certificate (DER)",
    ),
    ("ValidCertificatePathTest1EE.pem", "PEM text"),
    (
        "authroot.stl.sd",
        "a bare SignedData, the content of authroot.stl (DER)",
    ),
    ("cert.pem", "PEM text"),
    ("data.txt", "plain text"),
    (
        "ec384-ee-key.der",
        "an X.509 certificate despite its name (DER)",
    ),
    ("example.pfx", "a PKCS#12 PFX (DER)"),
    ("examples_notes.txt", "plain text"),
    ("p256-priv.der", "a PKCS#8 private key (DER)"),
    ("p256-pub.der", "a SubjectPublicKeyInfo (DER)"),
    ("rsa2048-priv.der", "a PKCS#1 private key (DER)"),
    ("rsa_cert.der", "an X.509 certificate (DER)"),
    ("rsa_sk.pkcs1.pem", "PEM text"),
    ("sceptest_cert-selfsigned.pem", "PEM text"),
    ("sceptest_csr.der", "a PKCS#10 request (DER)"),
    ("sceptest_key.pem", "PEM text"),
    (
        "signer_info_explicit_attrs.bin",
        "a SET OF SignerInfo (DER)",
    ),
    (
        "signer_info_sequence_not_set.bin",
        "a SignerInfo-shaped SEQUENCE (DER)",
    ),
];

/// Vectors that are BER, not DER: normalization must change them.
const BER: &[&str] = &[
    "cms_ber.bin",
    "kms_ciphertext_for_recipient_1.ber",
    "kms_ciphertext_for_recipient_2.ber",
    "kms_ciphertext_for_recipient_3.ber",
    "kms_ciphertext_for_recipient_4.ber",
];

fn norm(bytes: &[u8]) -> Result<Cow<'_, [u8]>, DecodeError> {
    normalize_to_der(bytes, &BerLimits::default())
}

#[test]
fn every_cms_example_is_accounted_for() {
    let mut content_infos = 0;
    let mut files: Vec<_> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 45, "the vendored folder changed");
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        let exception = NOT_CONTENT_INFO.iter().find(|(n, _)| *n == name);
        match exception {
            Some((_, what)) if what.ends_with("text") => {
                assert!(norm(&bytes).is_err(), "{name}: text is not one BER element");
            }
            Some((_, what)) => {
                let out = norm(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(matches!(out, Cow::Borrowed(_)), "{name} is DER");
                assert!(
                    ContentInfo::from_der(&out).is_err(),
                    "{name} is {what}, not a ContentInfo"
                );
            }
            None => {
                let out = norm(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                let is_ber = BER.contains(&name.as_str());
                assert_eq!(
                    matches!(out, Cow::Owned(_)),
                    is_ber,
                    "{name}: changed iff BER"
                );
                let ci = ContentInfo::from_der(&out).unwrap_or_else(|e| panic!("{name}: {e}"));
                // DER in, the same DER out of the cms crate.
                assert_eq!(ci.to_der().unwrap(), out.as_ref(), "{name}");
                if ci.content_type == oids::ID_SIGNED_DATA {
                    ci.content
                        .decode_as::<SignedData>()
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                }
                content_infos += 1;
            }
        }
    }
    assert_eq!(content_infos, 45 - NOT_CONTENT_INFO.len());
}

#[test]
fn cms_ber_normalizes_like_its_der_sibling() {
    // Upstream made both from the same content with different keys: after normalization the
    // BER one has the DER one's layout, element for element, and the same content.
    let ber = std::fs::read(examples().join("cms_ber.bin")).unwrap();
    let der = std::fs::read(examples().join("cms_der.bin")).unwrap();
    let out = norm(&ber).unwrap();
    assert_eq!(out.len(), der.len());
    let content = |bytes: &[u8]| {
        let sd = ContentInfo::from_der(bytes)
            .unwrap()
            .content
            .decode_as::<SignedData>()
            .unwrap();
        sd.encap_content_info.econtent.unwrap().value().to_vec()
    };
    let (a, b) = (content(&out), content(&der));
    assert!(a.len() == 10_034 && a == b, "same encapsulated content");
    assert_eq!(tlv_layout(&out), tlv_layout(&der));
}

/// Offset, identifier octet and size of every element, constructed ones walked into.
fn tlv_layout(bytes: &[u8]) -> Vec<(usize, u8, usize)> {
    let mut out = Vec::new();
    let mut pending = vec![(0usize, bytes.len())];
    while let Some((start, end)) = pending.pop() {
        let mut at = start;
        while at < end {
            let mut reader = der::SliceReader::new(&bytes[at..end]).unwrap();
            let header = der::Header::decode(&mut reader).unwrap();
            let header_len = usize::try_from(reader.position()).unwrap();
            let total = header_len + usize::try_from(header.length).unwrap();
            out.push((at, u8::from(header.tag), total));
            if header.tag.is_constructed() {
                pending.push((at + header_len, at + total));
            }
            at += total;
        }
    }
    out.sort_unstable();
    out
}

#[test]
fn kms_enveloped_data_keeps_implicit_constructed_content() {
    // `encryptedContent [0] IMPLICIT OCTET STRING` arrives constructed in recipients 1, 2
    // and 4; without the schema it cannot be told from an EXPLICIT tag, so it stays
    // constructed (with DER lengths) and `cms` then refuses it. Recipient 3 has it primitive.
    for n in 1..=4 {
        let ber = std::fs::read(examples().join(format!("kms_ciphertext_for_recipient_{n}.ber")))
            .unwrap();
        let out = norm(&ber).unwrap();
        assert!(
            matches!(norm(&out).unwrap(), Cow::Borrowed(_)),
            "idempotent"
        );
        let ci = ContentInfo::from_der(&out).unwrap();
        let enveloped = ci.content.decode_as::<EnvelopedData>().is_ok();
        assert_eq!(enveloped, n == 3, "recipient {n}");
    }
}

#[test]
fn der_vectors_survive_strict_limits_only_when_allowed() {
    let der = std::fs::read(examples().join("authroot.stl")).unwrap();
    let tight = BerLimits::default().with_max_input_len(1024);
    assert!(matches!(
        normalize_to_der(&der, &tight),
        Err(DecodeError::TooLarge { .. })
    ));
    let few = BerLimits::default().with_max_elements(100);
    assert!(matches!(
        normalize_to_der(&der, &few),
        Err(DecodeError::Ber {
            kind: BerErrorKind::TooManyElements { limit: 100 },
            ..
        })
    ));
    assert!(matches!(norm(&der).unwrap(), Cow::Borrowed(_)));
}

// ---- generated trees ------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Node {
    Prim(Vec<u8>, Vec<u8>),
    Cons(Vec<u8>, Vec<Node>),
}

fn prim_tag() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        vec![0x01],
        vec![0x02],
        vec![0x03],
        vec![0x04],
        vec![0x05],
        vec![0x06],
        vec![0x0C],
        vec![0x13],
        vec![0x16],
        vec![0x18],
        vec![0x1E],
        vec![0x80],
        vec![0x86],
        vec![0x9F, 0x1F],
        vec![0x9F, 0x81, 0x00],
        vec![0x5F, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F],
    ])
}

fn cons_tag() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        vec![0x30],
        vec![0x31],
        vec![0xA0],
        vec![0xA3],
        vec![0x61],
        vec![0xBF, 0x22],
        vec![0xFF, 0x81, 0x00],
    ])
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..8),
        prop::collection::vec(any::<u8>(), 100..300),
    ]
}

fn tree() -> impl Strategy<Value = Node> {
    let leaf = (prim_tag(), content()).prop_map(|(t, c)| Node::Prim(t, c));
    leaf.prop_recursive(6, 96, 6, |inner| {
        (cons_tag(), prop::collection::vec(inner, 0..6)).prop_map(|(t, k)| Node::Cons(t, k))
    })
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![u8::try_from(len).unwrap()];
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let mut out = vec![0x80 | u8::try_from(bytes.len() - skip).unwrap()];
    out.extend_from_slice(&bytes[skip..]);
    out
}

fn der(node: &Node) -> Vec<u8> {
    let (tag, content) = match node {
        Node::Prim(tag, c) => (tag, c.clone()),
        Node::Cons(tag, kids) => (tag, kids.iter().flat_map(der).collect()),
    };
    [tag.clone(), der_len(content.len()), content].concat()
}

/// A tiny deterministic generator for the BER choices.
struct Choices(u64);

impl Choices {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A length in any BER form for definite contents: short when possible, or long with 0–3
/// leading zero octets.
fn ber_len(len: usize, c: &mut Choices) -> Vec<u8> {
    if c.next(2) == 0 {
        return der_len(len);
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let zeros = usize::try_from(c.next(4)).unwrap();
    let mut body = vec![0u8; zeros];
    body.extend_from_slice(&bytes[skip..]);
    if body.is_empty() {
        body.push(0);
    }
    [vec![0x80 | u8::try_from(body.len()).unwrap()], body].concat()
}

/// Wrap `content` (already BER) under `tag`, definite or indefinite.
fn wrap(tag: &[u8], content: Vec<u8>, constructed: bool, c: &mut Choices) -> Vec<u8> {
    if constructed && c.next(2) == 0 {
        [tag.to_vec(), vec![0x80], content, vec![0, 0]].concat()
    } else {
        [tag.to_vec(), ber_len(content.len(), c), content].concat()
    }
}

/// Constructed-string segments of `data` (tagged `segment`), possibly nested.
fn segments(segment: u8, data: &[u8], c: &mut Choices, depth: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = data;
    loop {
        let take = usize::try_from(c.next(u64::try_from(rest.len()).unwrap() + 1)).unwrap();
        let (chunk, tail) = rest.split_at(take);
        if depth < 2 && c.next(4) == 0 {
            let inner = segments(segment, chunk, c, depth + 1);
            out.extend(wrap(&[segment | 0x20], inner, true, c));
        } else {
            out.extend(wrap(&[segment], chunk.to_vec(), false, c));
        }
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    out
}

/// A BER encoding of `node` that normalizes back to `der(node)`.
fn ber(node: &Node, c: &mut Choices) -> Vec<u8> {
    match node {
        Node::Cons(tag, kids) => {
            let content = kids.iter().flat_map(|k| ber(k, c)).collect();
            wrap(tag, content, true, c)
        }
        Node::Prim(tag, content) => {
            let string = matches!(tag.as_slice(), [0x04 | 0x0C | 0x13 | 0x16 | 0x18 | 0x1E]);
            let bits = tag.as_slice() == [0x03]
                && content
                    .first()
                    .is_some_and(|u| *u <= 7 && (*u == 0 || content.len() > 1));
            if string && c.next(2) == 0 {
                wrap(&[tag[0] | 0x20], segments(0x04, content, c, 0), true, c)
            } else if bits && c.next(2) == 0 {
                // Every segment but the last has no unused bits, and a last segment with
                // unused bits has at least one octet (X.690 §8.6.2.3).
                let (unused, data) = (content[0], &content[1..]);
                let splits = if unused == 0 {
                    data.len() + 1
                } else {
                    data.len()
                };
                let split = usize::try_from(c.next(u64::try_from(splits).unwrap())).unwrap();
                let (a, b) = data.split_at(split);
                let mut inner = wrap(&[0x03], [&[0][..], a].concat(), false, c);
                inner.extend(wrap(&[0x03], [&[unused][..], b].concat(), false, c));
                wrap(&[0x23], inner, true, c)
            } else {
                wrap(tag, content.clone(), false, c)
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn der_is_returned_borrowed_and_unchanged(node in tree()) {
        let der = der(&node);
        let out = norm(&der).unwrap();
        prop_assert!(matches!(out, Cow::Borrowed(_)));
        prop_assert_eq!(out.as_ref(), der.as_slice());
    }

    #[test]
    fn ber_forms_normalize_to_the_der(node in tree(), seed in 1u64..) {
        let mut choices = Choices(seed);
        let ber = ber(&node, &mut choices);
        let expected = der(&node);
        let out = norm(&ber).unwrap();
        prop_assert_eq!(out.as_ref(), expected.as_slice());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(out) = norm(&bytes) {
            // Whatever is accepted comes out in DER length form: a second pass changes nothing.
            prop_assert!(matches!(norm(&out).unwrap(), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn mutated_ber_never_panics(node in tree(), seed in 1u64.., flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut ber = ber(&node, &mut Choices(seed));
        for (at, byte) in flips {
            let i = at.index(ber.len());
            ber[i] = byte;
        }
        if let Ok(out) = norm(&ber) {
            prop_assert!(matches!(norm(&out).unwrap(), Cow::Borrowed(_)));
        }
    }
}

#[test]
fn deep_nesting_is_bounded_without_recursion() {
    // 100 000 nested indefinite SEQUENCEs: refused at the depth limit, no stack overflow.
    let depth = 100_000;
    let mut bytes = Vec::new();
    for _ in 0..depth {
        bytes.extend([0x30, 0x80]);
    }
    for _ in 0..depth {
        bytes.extend([0, 0]);
    }
    assert!(matches!(
        norm(&bytes),
        Err(DecodeError::Ber {
            kind: BerErrorKind::TooDeep { limit: 64 },
            offset: 128
        })
    ));
    let deep = BerLimits::default().with_max_depth(depth);
    let out = normalize_to_der(&bytes, &deep).unwrap();
    assert_eq!(
        out.len(),
        4 * depth - 2 * depth + /* long lengths near the top */ (out.len() - 2 * depth)
    );
    assert!(matches!(
        normalize_to_der(&out, &deep).unwrap(),
        Cow::Borrowed(_)
    ));
}
