//! zlib (RFC 1950) with a hard cap on the inflated size.

use std::io::{Read, Write};

use crate::error::{DccError, Result};

/// Inflate a zlib stream, refusing more than `max_out` bytes of output.
///
/// The whole input must be one stream: bytes after its Adler-32 trailer are refused.
///
/// # Errors
/// [`DccError::Inflate`] for a damaged or truncated stream or trailing bytes,
/// [`DccError::TooLarge`] when the output would exceed `max_out`.
pub fn inflate(data: &[u8], max_out: usize) -> Result<Vec<u8>> {
    // `bufread` over the slice: no intermediate buffer.
    let mut decoder = flate2::bufread::ZlibDecoder::new(data);
    let mut out = Vec::with_capacity(data.len().saturating_mul(2).min(max_out));
    let limit = u64::try_from(max_out).unwrap_or(u64::MAX).saturating_add(1);
    (&mut decoder)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| DccError::Inflate(e.to_string()))?;
    if out.len() > max_out {
        return Err(DccError::TooLarge {
            what: "inflated payload",
            actual: out.len(),
            limit: max_out,
        });
    }
    let consumed = usize::try_from(decoder.total_in()).unwrap_or(usize::MAX);
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
