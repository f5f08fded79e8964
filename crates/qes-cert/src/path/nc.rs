//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)).
//!
//! ```text
//! NameConstraints ::= SEQUENCE {
//!      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
//!      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
//! GeneralSubtree ::= SEQUENCE {
//!      base                    GeneralName,
//!      minimum         [0]     BaseDistance DEFAULT 0,
//!      maximum         [1]     BaseDistance OPTIONAL }
//! ```
//!
//! Instead of computing intersections of permitted subtrees, every constraining CA's set is
//! kept and a name must satisfy each of them (equivalent, and what webpki and BoringSSL do).
//! For each name form, a set that has permitted subtrees of that form requires a match; any
//! excluded subtree that matches rejects. A name form we cannot compare (otherName, x400,
//! ediPartyName, registeredID) is rejected when a subtree of that form constrains it.

use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::NameConstraints;

use super::names::PreparedName;

/// `emailAddress` in a subject DN (PKCS #9), constrained as an rfc822Name (RFC 5280 §4.2.1.10).
const EMAIL_ADDRESS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// Why a name violates the constraints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NcFailure {
    /// A name lies outside every permitted subtree of its form.
    NotPermitted,
    /// A name lies in an excluded subtree.
    Excluded,
    /// A name form we cannot compare is constrained, or a subtree is malformed.
    Unsupported,
    /// The comparison budget ran out.
    Budget,
}

/// One name of the certificate under check.
enum Subject<'a> {
    Dir(PreparedName),
    Email(String),
    Dns(&'a str),
    Uri(&'a str),
    Ip(&'a [u8]),
    Other(u8),
}

#[derive(Clone, Debug, Default)]
pub(crate) struct NameConstraintsState {
    sets: Vec<NameConstraints>,
}

fn form(name: &GeneralName) -> u8 {
    match name {
        GeneralName::OtherName(_) => 0,
        GeneralName::Rfc822Name(_) => 1,
        GeneralName::DnsName(_) => 2,
        GeneralName::DirectoryName(_) => 4,
        GeneralName::EdiPartyName(_) => 5,
        GeneralName::UniformResourceIdentifier(_) => 6,
        GeneralName::IpAddress(_) => 7,
        GeneralName::RegisteredId(_) => 8,
    }
}

impl Subject<'_> {
    fn form(&self) -> u8 {
        match self {
            Subject::Dir(_) => 4,
            Subject::Email(_) => 1,
            Subject::Dns(_) => 2,
            Subject::Uri(_) => 6,
            Subject::Ip(_) => 7,
            Subject::Other(f) => *f,
        }
    }
}

impl NameConstraintsState {
    /// §6.1.4 (g): remember a CA's constraints.
    pub(crate) fn add(&mut self, nc: NameConstraints) {
        self.sets.push(nc);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// §6.1.3 (b)–(c): check a certificate's subject and subjectAltName against every set.
    pub(crate) fn check(
        &self,
        subject: &x509_cert::name::Name,
        san: &[GeneralName],
        comparisons: &mut usize,
    ) -> Result<(), NcFailure> {
        if self.sets.is_empty() {
            return Ok(());
        }
        let mut names: Vec<Subject<'_>> = Vec::new();
        let prepared = PreparedName::new(subject);
        for email in prepared.texts(EMAIL_ADDRESS) {
            names.push(Subject::Email(email.to_owned()));
        }
        if !prepared.is_empty() {
            names.push(Subject::Dir(prepared.clone()));
        }
        for gn in san {
            names.push(match gn {
                GeneralName::Rfc822Name(s) => Subject::Email(s.as_str().to_ascii_lowercase()),
                GeneralName::DnsName(s) => Subject::Dns(s.as_str()),
                GeneralName::DirectoryName(n) => Subject::Dir(PreparedName::new(n)),
                GeneralName::UniformResourceIdentifier(s) => Subject::Uri(s.as_str()),
                GeneralName::IpAddress(o) => Subject::Ip(o.as_bytes()),
                other => Subject::Other(form(other)),
            });
        }
        for set in &self.sets {
            let permitted: &[GeneralSubtree] = set.permitted_subtrees.as_deref().unwrap_or(&[]);
            let excluded: &[GeneralSubtree] = set.excluded_subtrees.as_deref().unwrap_or(&[]);
            for name in &names {
                let f = name.form();
                let mut constrained = false;
                let mut matched = false;
                for subtree in permitted.iter().filter(|s| form(&s.base) == f) {
                    constrained = true;
                    if step(comparisons)? && matches(name, subtree)? {
                        matched = true;
                        break;
                    }
                }
                if constrained && !matched {
                    return Err(NcFailure::NotPermitted);
                }
                for subtree in excluded.iter().filter(|s| form(&s.base) == f) {
                    if step(comparisons)? && matches(name, subtree)? {
                        return Err(NcFailure::Excluded);
                    }
                }
            }
        }
        Ok(())
    }
}

fn step(comparisons: &mut usize) -> Result<bool, NcFailure> {
    *comparisons = comparisons.checked_sub(1).ok_or(NcFailure::Budget)?;
    Ok(true)
}

fn matches(name: &Subject<'_>, subtree: &GeneralSubtree) -> Result<bool, NcFailure> {
    if subtree.minimum != 0 || subtree.maximum.is_some() {
        return Err(NcFailure::Unsupported);
    }
    Ok(match (name, &subtree.base) {
        (Subject::Dir(n), GeneralName::DirectoryName(base)) => n.within(&PreparedName::new(base)),
        (Subject::Email(n), GeneralName::Rfc822Name(c)) => email_matches(n, c.as_str()),
        (Subject::Dns(n), GeneralName::DnsName(c)) => dns_matches(n, c.as_str()),
        (Subject::Uri(n), GeneralName::UniformResourceIdentifier(c)) => {
            let host = uri_host(n).ok_or(NcFailure::NotPermitted)?;
            host_matches(host, c.as_str())
        }
        (Subject::Ip(n), GeneralName::IpAddress(c)) => ip_matches(n, c.as_bytes())?,
        _ => return Err(NcFailure::Unsupported),
    })
}

/// `constraint` with a leading dot: any subdomain; otherwise exactly the host. A trailing
/// dot (the absolute form of a DNS name, RFC 1034 §3.1) is ignored on both sides, so that
/// `evil.example.com.` cannot escape an excluded `.example.com` (RFC 5280 §4.2.1.10).
fn host_matches(host: &str, constraint: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let constraint = constraint.trim_end_matches('.').to_ascii_lowercase();
    if constraint.starts_with('.') {
        host.ends_with(&constraint)
    } else {
        host == constraint
    }
}

/// rfc822Name: a full mailbox, a host, or `.domain` for any host in the domain.
fn email_matches(mailbox: &str, constraint: &str) -> bool {
    if constraint.contains('@') {
        return mailbox.eq_ignore_ascii_case(constraint);
    }
    let Some((_, host)) = mailbox.rsplit_once('@') else {
        return false;
    };
    host_matches(host, constraint)
}

/// dNSName: the name itself or any name formed by adding labels to the left.
fn dns_matches(name: &str, constraint: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let constraint = constraint.trim_end_matches('.').to_ascii_lowercase();
    if constraint.is_empty() {
        return true;
    }
    if let Some(stripped) = constraint.strip_prefix('.') {
        return name.ends_with(&constraint) && name.len() > stripped.len();
    }
    name == constraint
        || (name.ends_with(&constraint)
            && name
                .len()
                .checked_sub(constraint.len())
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| name.as_bytes().get(i))
                == Some(&b'.'))
}

/// The host of a URI with an authority (`scheme://[userinfo@]host[:port]/…`).
fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .map(|h| h.trim_start_matches('['))?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// iPAddress: address and mask of the same family.
fn ip_matches(addr: &[u8], constraint: &[u8]) -> Result<bool, NcFailure> {
    let half = constraint.len() / 2;
    if !(constraint.len() == 8 || constraint.len() == 32) {
        return Err(NcFailure::Unsupported);
    }
    if addr.len() != half {
        return Ok(false);
    }
    let (net, mask) = constraint.split_at(half);
    Ok(addr
        .iter()
        .zip(net)
        .zip(mask)
        .all(|((a, n), m)| a & m == n & m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns() {
        assert!(dns_matches("www.example.com", "example.com"));
        assert!(dns_matches("example.com", "example.com"));
        assert!(!dns_matches("badexample.com", "example.com"));
        assert!(!dns_matches("example.com", ".example.com"));
    }

    #[test]
    fn uri() {
        assert_eq!(
            uri_host("http://user@Host.example:80/x"),
            Some("Host.example")
        );
        assert_eq!(uri_host("mailto:x"), None);
    }

    #[test]
    fn ip() {
        let v4 = [192, 168, 0, 0, 255, 255, 0, 0];
        assert_eq!(ip_matches(&[192, 168, 7, 1], &v4), Ok(true));
        assert_eq!(ip_matches(&[192, 169, 7, 1], &v4), Ok(false));
        assert_eq!(ip_matches(&[0; 16], &v4), Ok(false));
        assert_eq!(
            ip_matches(&[1, 2, 3, 4], &[1, 2, 3]),
            Err(NcFailure::Unsupported)
        );
    }

    #[test]
    fn email() {
        assert!(email_matches("a@mail.example.com", ".example.com"));
        assert!(!email_matches("a@example.com", ".example.com"));
        assert!(email_matches("a@example.com", "example.com"));
    }

    /// Review S4: a trailing dot must not take a URI host out of an excluded subtree.
    #[test]
    fn uri_trailing_dot_stays_in_subtree() {
        let subtree = |c: &str| GeneralSubtree {
            base: GeneralName::UniformResourceIdentifier(der::asn1::Ia5String::new(c).unwrap()),
            minimum: 0,
            maximum: None,
        };
        for uri in ["http://evil.example.com./", "http://evil.example.com../x"] {
            assert_eq!(
                matches(&Subject::Uri(uri), &subtree(".example.com")),
                Ok(true),
                "{uri}"
            );
        }
        assert_eq!(
            matches(
                &Subject::Uri("http://example.com./"),
                &subtree("example.com.")
            ),
            Ok(true)
        );
        assert_eq!(
            matches(
                &Subject::Uri("http://example.com./"),
                &subtree(".example.com")
            ),
            Ok(false)
        );
    }
}
