//! `HttpTransport` edge cases against a scripted HTTP peer on loopback (a `std` listener
//! that answers one connection with canned bytes and records what it received). The real
//! TSAs are exercised in `real_tsa.rs`; these cover what they never do: odd content types,
//! server errors, oversized bodies, a peer that never answers, basic auth on the wire.
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use qes_signer::DigestAlgorithm;
use qes_tsp::{HttpTransport, TimeoutPhase, TimestampRequest, Transport, TspClient, TspError};

/// What the peer saw: the request head (lowercased) and body.
struct Seen {
    head: String,
    body: Vec<u8>,
}

/// Serves one connection: reads a request, answers `response` (or never answers when
/// `None`, holding the connection for `hold`). Returns the URL and what it saw.
fn peer(response: Option<Vec<u8>>, hold: Duration) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head, body) = loop {
            let n = stream.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                break (String::from_utf8_lossy(&buf).to_lowercase(), Vec::new());
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                while buf.len() < end + 4 + len {
                    let n = stream.read(&mut chunk).unwrap();
                    buf.extend_from_slice(&chunk[..n]);
                }
                break (head, buf[end + 4..end + 4 + len].to_vec());
            }
        };
        let _ = tx.send(Seen { head, body });
        match response {
            Some(bytes) => {
                let _ = stream.write_all(&bytes);
            }
            None => thread::sleep(hold),
        }
    });
    (url, rx)
}

fn http(status: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    if let Some(ct) = content_type {
        out.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A granted response with a minimal id-signedData token.
fn granted() -> Vec<u8> {
    vec![
        0x30, 0x16, 0x30, 0x03, 0x02, 0x01, 0x00, 0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
        0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x02, 0x30, 0x00,
    ]
}

fn request() -> TimestampRequest {
    TimestampRequest::from_data(DigestAlgorithm::Sha256, b"edge").unwrap()
}

#[test]
fn posts_a_timestamp_query_with_basic_auth() {
    let (url, seen) = peer(
        Some(http(
            "200 OK",
            Some("application/timestamp-reply"),
            &granted(),
        )),
        Duration::ZERO,
    );
    let transport = HttpTransport::builder(url)
        .with_basic_auth("Aladdin", "open sesame".to_owned())
        .build()
        .unwrap();
    let request = request();
    let response = TspClient::new(transport).request(&request).unwrap();
    assert!(response.status().is_granted());
    let seen = seen.recv().unwrap();
    assert!(seen.head.starts_with("post /tsa http/1.1"), "{}", seen.head);
    assert!(seen
        .head
        .contains("content-type: application/timestamp-query"));
    // RFC 7617 §2's example credentials.
    assert!(
        seen.head
            .contains("authorization: basic qwxhzgrpbjpvcgvuihnlc2ftzq=="),
        "{}",
        seen.head
    );
    assert_eq!(seen.body, request.to_der().unwrap());
}

#[test]
fn the_alternative_reply_content_type_is_tolerated() {
    let (url, _seen) = peer(
        Some(http(
            "200 OK",
            Some("Application/TimeStamp-Response; charset=binary"),
            &granted(),
        )),
        Duration::ZERO,
    );
    let client = TspClient::new(HttpTransport::new(url).unwrap());
    assert!(client.request(&request()).is_ok());
}

#[test]
fn other_content_types_are_refused() {
    for ct in [Some("text/html"), None] {
        let (url, _seen) = peer(Some(http("200 OK", ct, &granted())), Duration::ZERO);
        match HttpTransport::new(url).unwrap().send(b"q") {
            Err(TspError::ContentType { received }) => {
                assert_eq!(received.as_deref(), ct);
            }
            other => panic!("{ct:?}: {other:?}"),
        }
    }
}

#[test]
fn server_errors_carry_status_and_a_body_excerpt() {
    let body = format!("boom\r\n{}", "x".repeat(5000));
    let (url, _seen) = peer(
        Some(http(
            "503 Service Unavailable",
            Some("text/plain"),
            body.as_bytes(),
        )),
        Duration::ZERO,
    );
    match HttpTransport::new(url).unwrap().send(b"q") {
        Err(TspError::HttpStatus {
            status,
            body_excerpt,
        }) => {
            assert_eq!(status, 503);
            assert!(body_excerpt.starts_with("boom  x"), "{body_excerpt}");
            assert!(body_excerpt.chars().count() <= 200);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn redirects_are_not_followed() {
    let mut resp = b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\n".to_vec();
    resp.extend_from_slice(b"Content-Length: 0\r\nConnection: close\r\n\r\n");
    let (url, _seen) = peer(Some(resp), Duration::ZERO);
    assert!(matches!(
        HttpTransport::new(url).unwrap().send(b"q"),
        Err(TspError::HttpStatus { status: 302, .. })
    ));
}

#[test]
fn oversized_bodies_are_refused() {
    let big = vec![0u8; 10_000];
    // Declared too large by Content-Length.
    let (url, _seen) = peer(
        Some(http("200 OK", Some("application/timestamp-reply"), &big)),
        Duration::ZERO,
    );
    let transport = HttpTransport::builder(url)
        .with_max_response_len(4096)
        .build()
        .unwrap();
    assert!(matches!(
        transport.send(b"q"),
        Err(TspError::ResponseTooLarge {
            limit: 4096,
            actual: Some(10_000)
        })
    ));
    // No Content-Length: the read stops at the limit.
    let mut resp =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nConnection: close\r\n\r\n"
            .to_vec();
    resp.extend_from_slice(&big);
    let (url, _seen) = peer(Some(resp), Duration::ZERO);
    let transport = HttpTransport::builder(url)
        .with_max_response_len(4096)
        .build()
        .unwrap();
    assert!(matches!(
        transport.send(b"q"),
        Err(TspError::ResponseTooLarge { limit: 4096, .. })
    ));
}

#[test]
fn a_silent_peer_times_out() {
    let (url, _seen) = peer(None, Duration::from_secs(5));
    let transport = HttpTransport::builder(url)
        .with_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let start = Instant::now();
    match transport.send(b"q") {
        Err(TspError::Timeout {
            phase: TimeoutPhase::Exchange,
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() < Duration::from_secs(4));
}

#[test]
fn a_closed_port_is_a_transport_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    match HttpTransport::new(format!("http://127.0.0.1:{port}/tsa"))
        .unwrap()
        .send(b"q")
    {
        Err(e @ TspError::Transport { .. }) => {
            assert!(std::error::Error::source(&e).is_some());
        }
        other => panic!("{other:?}"),
    }
}
