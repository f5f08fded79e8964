//! Reading X.520 attribute values out of distinguished names.
//!
//! ```text
//! Name ::= CHOICE { rdnSequence RDNSequence }                 -- RFC 5280 §4.1.2.4
//! RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
//! RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//! AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
//! DirectoryString ::= CHOICE { teletexString, printableString, universalString,
//!                              utf8String, bmpString }
//! ```

use const_oid::ObjectIdentifier;
use der::asn1::Any;
use der::{Tag, Tagged};
use x509_cert::name::Name;

/// The text of a string-typed attribute value: UTF8String, PrintableString, IA5String,
/// VisibleString, NumericString, TeletexString (read as Latin-1), BMPString.
/// `None` for non-string values or invalid encodings.
pub(crate) fn any_to_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::NumericString => core::str::from_utf8(bytes).ok().map(str::to_owned),
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units = bytes.chunks_exact(2).map(|c| match c {
                [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                _ => 0,
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

/// Every attribute of the name, in order, flattened across RDNs.
pub(crate) fn attributes(name: &Name) -> impl Iterator<Item = (ObjectIdentifier, &Any)> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter().map(|atv| (atv.oid, &atv.value)))
}

/// The string values of every attribute of this type.
pub(crate) fn values(name: &Name, oid: ObjectIdentifier) -> Vec<String> {
    attributes(name)
        .filter(|(o, _)| *o == oid)
        .filter_map(|(_, v)| any_to_string(v))
        .collect()
}

/// The first string value of this attribute type.
pub(crate) fn first(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    attributes(name)
        .filter(|(o, _)| *o == oid)
        .find_map(|(_, v)| any_to_string(v))
}

/// How many attributes of this type the name carries.
pub(crate) fn count(name: &Name, oid: ObjectIdentifier) -> usize {
    attributes(name).filter(|(o, _)| *o == oid).count()
}

/// Short names for RFC 4514 output: RFC 4514 §3 names plus the X.520 / ETSI attributes
/// qualified certificates carry (EN 319 412-1 §5.1.4 `organizationIdentifier`).
const SHORT_NAMES: &[(ObjectIdentifier, &str)] = &[
    (const_oid::db::rfc4519::CN, "CN"),
    (const_oid::db::rfc4519::C, "C"),
    (const_oid::db::rfc4519::O, "O"),
    (const_oid::db::rfc4519::OU, "OU"),
    (const_oid::db::rfc4519::L, "L"),
    (const_oid::db::rfc4519::ST, "ST"),
    (const_oid::db::rfc4519::STREET, "STREET"),
    (const_oid::db::rfc4519::DC, "DC"),
    (const_oid::db::rfc4519::UID, "UID"),
    (const_oid::db::rfc4519::SN, "SN"),
    (const_oid::db::rfc4519::GIVEN_NAME, "givenName"),
    (const_oid::db::rfc4519::SERIAL_NUMBER, "serialNumber"),
    (const_oid::db::rfc4519::TITLE, "title"),
    (const_oid::db::rfc4519::POSTAL_CODE, "postalCode"),
    (crate::oids::AT_PSEUDONYM, "pseudonym"),
    (const_oid::db::rfc3280::EMAIL_ADDRESS, "emailAddress"),
    (
        ObjectIdentifier::new_unwrap("2.5.4.97"),
        "organizationIdentifier",
    ),
];

/// Render a distinguished name as an RFC 4514 string (most specific RDN first), with short
/// names for the attributes qualified certificates use and `#hex` for non-string values.
pub fn format_dn(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name.0.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.0.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            match SHORT_NAMES.iter().find(|(oid, _)| *oid == atv.oid) {
                Some((_, short)) => out.push_str(short),
                None => out.push_str(&atv.oid.to_string()),
            }
            out.push('=');
            match any_to_string(&atv.value) {
                Some(text) => escape_rfc4514(&text, &mut out),
                None => {
                    out.push('#');
                    if let Ok(der) = der::Encode::to_der(&atv.value) {
                        for b in der {
                            out.push_str(&format!("{b:02x}"));
                        }
                    }
                }
            }
        }
    }
    out
}

/// RFC 4514 §2.4 escaping of an attribute value.
fn escape_rfc4514(value: &str, out: &mut String) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let needs = matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if c == '\0' {
            out.push_str("\\00");
            continue;
        }
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::str::FromStr;

    #[test]
    fn rfc4514_order_names_and_escapes() {
        let name = Name::from_str("CN=Popescu\\, Ion,2.5.4.97=VATRO-18615742,C=RO").unwrap();
        assert_eq!(
            format_dn(&name),
            "CN=Popescu\\, Ion,organizationIdentifier=VATRO-18615742,C=RO"
        );
        let mut out = String::new();
        escape_rfc4514("#a +b ", &mut out);
        assert_eq!(out, "\\#a \\+b\\ ");
    }
}
