//! A small CSC API v2 service for tests (std `TcpListener` on 127.0.0.1, one thread per
//! connection, `Connection: close`): it speaks the v2 JSON as the specification defines it,
//! checks the client's authentication, the PIN and a TOTP, counts wrong codes and locks the
//! credential after five, binds SADs to hashes (SCAL 2), and signs with a software key of the
//! test PKI. Faults (503s, dropped connections) can be injected per endpoint.
#![allow(
    dead_code,
    clippy::nonminimal_bool,
    clippy::as_conversions,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use base64ct::{Base64, Encoding};
use qes_cloud::{Totp, TotpAlgorithm};
use qes_signer::{DigestAlgorithm, SignatureAlgorithm, Signer, SoftwareSigner};
use serde_json::{json, Value};

pub const CREDENTIAL: &str = "cred-rsa";
pub const PIN: &str = "1234";
/// The Unix time the service believes it is.
pub const NOW: u64 = 1_800_000_000;
pub const SEED: &[u8] = b"12345678901234567890";
pub const MULTISIGN: u32 = 3;

pub fn totp() -> Totp {
    Totp::new(SEED.to_vec(), TotpAlgorithm::Sha1, 6).unwrap()
}

/// How the service authenticates its clients.
#[derive(Clone, Debug)]
pub enum ClientAuth {
    None,
    Basic(String),
    Bearer(String),
}

/// What to break.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Answer this many requests to the path with 503 first.
    pub unavailable: HashMap<&'static str, usize>,
    /// Close this many connections to the path without an answer first.
    pub drop_connection: HashMap<&'static str, usize>,
}

pub struct State {
    pub auth: ClientAuth,
    pub faults: Faults,
    pub requests: Vec<(String, Value)>,
    pub wrong_codes: u32,
    pub locked: bool,
    pub sads: HashMap<String, (u32, Vec<Vec<u8>>)>,
    pub next_sad: u64,
    pub pin_required: bool,
    pub otp_required: bool,
    pub scal: u8,
    pub specs: &'static str,
    /// Flip a bit in every signature returned.
    pub corrupt: bool,
}

pub struct Stub {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    pub signer: Arc<SoftwareSigner>,
}

impl Stub {
    pub fn count(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(p, _)| p.ends_with(path))
            .count()
    }

    pub fn last(&self, path: &str) -> Value {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .rev()
            .find(|(p, _)| p.ends_with(path))
            .map(|(_, v)| v.clone())
            .unwrap()
    }
}

pub fn holder() -> Arc<SoftwareSigner> {
    static SIGNER: std::sync::OnceLock<Arc<SoftwareSigner>> = std::sync::OnceLock::new();
    SIGNER
        .get_or_init(|| {
            let issued = qes_testkit::TestPki::shared().natural_person();
            Arc::new(SoftwareSigner::from_pkcs12(&issued.pkcs12("pw").unwrap(), "pw").unwrap())
        })
        .clone()
}

pub fn start(auth: ClientAuth, faults: Faults) -> Stub {
    start_with(auth, faults, |_| {})
}

pub fn start_with(auth: ClientAuth, faults: Faults, configure: impl FnOnce(&mut State)) -> Stub {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut state = State {
        auth,
        faults,
        requests: Vec::new(),
        wrong_codes: 0,
        locked: false,
        sads: HashMap::new(),
        next_sad: 1,
        pin_required: true,
        otp_required: true,
        scal: 2,
        specs: "2.0.0.2",
        corrupt: false,
    };
    configure(&mut state);
    let state = Arc::new(Mutex::new(state));
    let signer = holder();
    let (st, sg) = (state.clone(), signer.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (st, sg) = (st.clone(), sg.clone());
            std::thread::spawn(move || serve(stream, &st, &sg));
        }
    });
    Stub { url, state, signer }
}

fn serve(stream: TcpStream, state: &Mutex<State>, signer: &SoftwareSigner) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, answer) = {
        let mut s = state.lock().unwrap();
        s.requests.push((path.clone(), request.clone()));
        let method = path
            .rsplit("/csc/v2/")
            .next()
            .unwrap_or_default()
            .to_owned();
        if let Some(n) = s.faults.drop_connection.get_mut(method.as_str()) {
            if *n > 0 {
                *n -= 1;
                return; // the connection closes without an answer
            }
        }
        if let Some(n) = s.faults.unavailable.get_mut(method.as_str()) {
            if *n > 0 {
                *n -= 1;
                respond(stream, 503, &json!({"error": "temporarily_unavailable"}));
                return;
            }
        }
        handle(&mut s, &path, &headers, &request, signer)
    };
    respond(stream, status, &answer);
}

fn respond(mut stream: TcpStream, status: u16, body: &Value) {
    let body = serde_json::to_vec(body).unwrap();
    let reason = if status == 200 { "OK" } else { "Error" };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

fn err(status: u16, error: &str, description: &str) -> (u16, Value) {
    (
        status,
        json!({"error": error, "error_description": description}),
    )
}

fn b64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

fn handle(
    s: &mut State,
    path: &str,
    headers: &HashMap<String, String>,
    request: &Value,
    signer: &SoftwareSigner,
) -> (u16, Value) {
    let Some(method) = path.strip_prefix("/csc/v2/") else {
        return err(404, "not_found", "only v2 here");
    };
    let authorization = headers.get("authorization").cloned().unwrap_or_default();
    let authenticated = match &s.auth {
        ClientAuth::None => true,
        ClientAuth::Basic(expected) => {
            authorization == format!("Basic {}", b64(expected.as_bytes()))
        }
        ClientAuth::Bearer(token) => authorization == format!("Bearer {token}"),
    };
    if method != "info" && !authenticated {
        return err(401, "invalid_token", "The access token is not valid");
    }
    let credential = request["credentialID"].as_str().unwrap_or_default();
    let known = credential == CREDENTIAL;
    match method {
        "info" => (
            200,
            json!({
                "specs": s.specs, "name": "qes test CSC v2", "logo": "", "region": "RO", "lang": "en",
                "description": "in-test stub", "authType": ["basic", "oauth2client"],
                "methods": ["credentials/list", "credentials/info", "credentials/authorize", "signatures/signHash"]
            }),
        ),
        "credentials/list" => match request["pageToken"].as_str() {
            None => (
                200,
                json!({"credentialIDs": ["cred-other"], "nextPageToken": "p2"}),
            ),
            Some("p2") => (200, json!({"credentialIDs": [CREDENTIAL]})),
            Some(_) => err(400, "invalid_request", "Invalid parameter pageToken"),
        },
        "credentials/info" => {
            if !known {
                return err(400, "invalid_request", "Invalid parameter credentialID");
            }
            let mut certs = vec![b64(signer.certificate().der())];
            certs.extend(signer.chain().iter().map(|c| b64(c.der())));
            let mut objects = Vec::new();
            if s.pin_required {
                objects.push(json!({"type": "PIN", "id": "PIN", "format": "N", "label": "PIN", "description": "Signing PIN"}));
            }
            if s.otp_required {
                objects.push(json!({"type": "OTP", "id": "OTP", "format": "N", "label": "Authenticator code", "generator": "totp"}));
            }
            let mode = if objects.is_empty() {
                "implicit"
            } else {
                "explicit"
            };
            (
                200,
                json!({
                    "description": "test credential",
                    "key": {"status": "enabled", "algo": ["1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10"], "len": 2048},
                    "cert": {"status": "valid", "certificates": certs},
                    "auth": {"mode": mode, "expression": "PIN AND OTP", "objects": objects},
                    "SCAL": s.scal.to_string(),
                    "multisign": MULTISIGN,
                    "lang": "en"
                }),
            )
        }
        "credentials/authorize" => {
            if !known {
                return err(400, "invalid_request", "Invalid parameter credentialID");
            }
            if s.locked {
                return err(400, "invalid_request", "The credential is locked");
            }
            let data: HashMap<String, String> = request["authData"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| {
                            (
                                o["id"].as_str().unwrap_or_default().to_owned(),
                                o["value"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            if s.pin_required && data.get("PIN").map(String::as_str) != Some(PIN) {
                s.wrong_codes += 1;
                if s.wrong_codes >= 5 {
                    s.locked = true;
                    return err(400, "invalid_request", "The credential is locked");
                }
                return err(
                    400,
                    "invalid_pin",
                    &format!("The PIN is invalid, {} attempts left", 5 - s.wrong_codes),
                );
            }
            if s.otp_required
                && !data
                    .get("OTP")
                    .is_some_and(|otp| totp().verify_at(otp, NOW).is_some())
            {
                s.wrong_codes += 1;
                if s.wrong_codes >= 5 {
                    s.locked = true;
                    return err(400, "invalid_request", "The credential is locked");
                }
                return (
                    400,
                    json!({"error": "invalid_otp", "error_description": "The OTP is invalid", "remainingAttempts": 5 - s.wrong_codes}),
                );
            }
            s.wrong_codes = 0;
            let n = request["numSignatures"].as_u64().unwrap_or(0);
            if n == 0 || n > u64::from(MULTISIGN) {
                return err(
                    400,
                    "invalid_request",
                    "Invalid value for parameter numSignatures",
                );
            }
            let hashes: Vec<Vec<u8>> = request["hashes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|h| Base64::decode_vec(h.as_str().unwrap_or_default()).unwrap())
                        .collect()
                })
                .unwrap_or_default();
            if s.scal == 2 && hashes.len() as u64 != n {
                return err(400, "invalid_request", "Missing parameter hashes");
            }
            let sad = format!("sad-{}", s.next_sad);
            s.next_sad += 1;
            s.sads
                .insert(sad.clone(), (u32::try_from(n).unwrap(), hashes));
            (200, json!({"SAD": sad, "expiresIn": 300}))
        }
        "signatures/signHash" => {
            let sad = request["SAD"].as_str().unwrap_or_default();
            let Some((left, bound)) = s.sads.get_mut(sad) else {
                return err(400, "invalid_request", "Invalid SAD");
            };
            let hashes: Vec<Vec<u8>> = request["hashes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| Base64::decode_vec(h.as_str().unwrap()).unwrap())
                .collect();
            if hashes.len() > *left as usize
                || (!bound.is_empty() && !hashes.iter().all(|h| bound.contains(h)))
            {
                return err(
                    400,
                    "invalid_request",
                    "The SAD does not cover these hashes",
                );
            }
            *left -= u32::try_from(hashes.len()).unwrap();
            let digest = match request["hashAlgorithmOID"].as_str().unwrap_or_default() {
                "2.16.840.1.101.3.4.2.1" => DigestAlgorithm::Sha256,
                "2.16.840.1.101.3.4.2.2" => DigestAlgorithm::Sha384,
                "2.16.840.1.101.3.4.2.3" => DigestAlgorithm::Sha512,
                _ => return err(400, "invalid_request", "Invalid parameter hashAlgorithmOID"),
            };
            let algorithm = match request["signAlgo"].as_str().unwrap_or_default() {
                "1.2.840.113549.1.1.11" | "1.2.840.113549.1.1.12" | "1.2.840.113549.1.1.13" => {
                    SignatureAlgorithm::RsaPkcs1v15(digest)
                }
                "1.2.840.113549.1.1.10" => {
                    if request["signAlgoParams"].as_str().is_none() {
                        return err(400, "invalid_request", "Missing parameter signAlgoParams");
                    }
                    SignatureAlgorithm::RsaPss(digest)
                }
                _ => return err(400, "invalid_request", "Invalid parameter signAlgo"),
            };
            let refs: Vec<&[u8]> = hashes.iter().map(Vec::as_slice).collect();
            let mut signatures = signer.sign_digests(algorithm, &refs).unwrap();
            if s.corrupt {
                for sig in &mut signatures {
                    sig[10] ^= 0x01;
                }
            }
            (
                200,
                json!({"signatures": signatures.iter().map(|s| b64(s)).collect::<Vec<_>>()}),
            )
        }
        _ => err(404, "not_found", "no such method"),
    }
}
