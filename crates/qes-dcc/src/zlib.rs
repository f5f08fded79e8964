//! zlib (RFC 1950) with a hard cap on the inflated size.

use std::cell::RefCell;
use std::io::Write;

use flate2::{Decompress, FlushDecompress, Status};

use crate::error::{DccError, Result};

/// Inflate a zlib stream, refusing more than `max_out` bytes of output.
///
/// The whole input must be one stream: bytes after its Adler-32 trailer are refused.
///
/// # Errors
/// [`DccError::Inflate`] for a damaged or truncated stream or trailing bytes,
/// [`DccError::TooLarge`] when the output would exceed `max_out`.
pub fn inflate(data: &[u8], max_out: usize) -> Result<Vec<u8>> {
    thread_local! {
        // One decompressor per thread, reset per call: its 40 KiB state is not re-allocated
        // and zeroed for every certificate.
        static DECOMPRESS: RefCell<Decompress> = RefCell::new(Decompress::new(true));
    }
    DECOMPRESS.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(true);
        inflate_with(&mut d, data, max_out)
    })
}

fn inflate_with(d: &mut Decompress, data: &[u8], max_out: usize) -> Result<Vec<u8>> {
    let cap = max_out.saturating_add(1);
    let mut out = Vec::with_capacity(data.len().saturating_mul(3).clamp(64, cap));
    loop {
        let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        let input = data.get(consumed..).unwrap_or_default();
        let before = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(input, &mut out, FlushDecompress::None)
            .map_err(|e| DccError::Inflate(e.to_string()))?;
        if out.len() > max_out {
            return Err(DccError::TooLarge {
                what: "inflated payload",
                actual: out.len(),
                limit: max_out,
            });
        }
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                if out.len() == out.capacity() {
                    // Room for more output, never beyond the cap (+1 to detect the excess).
                    let more = out.capacity().min(cap.saturating_sub(out.len())).max(1);
                    out.reserve_exact(more);
                } else if (d.total_in(), d.total_out()) == before {
                    return Err(DccError::Inflate("truncated stream".into()));
                }
            }
        }
    }
    let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
    if consumed != data.len() {
        return Err(DccError::Inflate(format!(
            "{} bytes after the end of the stream",
            data.len().saturating_sub(consumed)
        )));
    }
    Ok(out)
}

/// Deflate with zlib framing at the best compression level.
///
/// # Errors
/// [`DccError::Inflate`] if the encoder fails (it does not, writing to memory).
pub fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data)
        .map_err(|e| DccError::Inflate(e.to_string()))?;
    enc.finish().map_err(|e| DccError::Inflate(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_cap() {
        let data = vec![7u8; 10_000];
        let z = deflate(&data).unwrap();
        assert_eq!(inflate(&z, 10_000).unwrap(), data);
        assert!(matches!(inflate(&z, 9_999), Err(DccError::TooLarge { .. })));
        let mut trailing = z.clone();
        trailing.push(0);
        assert!(matches!(
            inflate(&trailing, 10_000),
            Err(DccError::Inflate(_))
        ));
        assert!(matches!(
            inflate(&z[..z.len() - 3], 10_000),
            Err(DccError::Inflate(_))
        ));
        assert!(inflate(b"not zlib", 100).is_err());
    }
}
