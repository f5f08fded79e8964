//! zlib (RFC 1950) with a hard cap on the inflated size.

use std::cell::RefCell;

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use crate::error::{DccError, Result};

/// Inflate a zlib stream, refusing more than `max_out` bytes of output.
///
/// The whole input must be one stream, its Adler-32 checked: bytes after the trailer are
/// refused.
///
/// # Errors
/// [`DccError::Inflate`] for a malformed, truncated or trailing stream,
/// [`DccError::TooLarge`] when the output would exceed `max_out`.
pub fn inflate(data: &[u8], max_out: usize) -> Result<Vec<u8>> {
    thread_local! {
        // One decompressor per thread: its Huffman tables (about 11 KiB) are allocated once
        // and `init` resets only its state, where a stream decompressor zeroes a 32 KiB
        // window for every certificate. Nothing of an earlier stream can leak into a later
        // one: the output buffer is not a wrapping window, so a distance reaching before the
        // start of this stream's output is an error.
        static DECOMPRESSOR: RefCell<Box<DecompressorOxide>> = RefCell::new(Box::default());
    }
    DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        d.init();
        inflate_with(&mut d, data, max_out)
    })
}

fn inflate_with(d: &mut DecompressorOxide, data: &[u8], max_out: usize) -> Result<Vec<u8>> {
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_COMPUTE_ADLER32
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    // One byte more than allowed, to tell "exactly max_out" from "more".
    let cap = max_out.saturating_add(1);
    let mut out = vec![0u8; data.len().saturating_mul(3).clamp(64, cap)];
    let mut input = data;
    let mut written = 0usize;
    loop {
        let (status, consumed, produced) = decompress(d, input, &mut out, written, flags);
        written = written.saturating_add(produced);
        input = input.get(consumed..).unwrap_or_default();
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if out.len() < cap => {
                let grown = out.len().saturating_mul(2).min(cap);
                out.resize(grown, 0);
            }
            TINFLStatus::HasMoreOutput => {
                return Err(DccError::TooLarge {
                    what: "inflated payload",
                    actual: written,
                    limit: max_out,
                })
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err(DccError::Inflate("truncated stream".into()))
            }
            TINFLStatus::Adler32Mismatch => {
                return Err(DccError::Inflate("Adler-32 checksum mismatch".into()))
            }
            // `Failed`, `BadParam` and whatever a later version adds.
            _ => return Err(DccError::Inflate("invalid zlib stream".into())),
        }
    }
    if written > max_out {
        return Err(DccError::TooLarge {
            what: "inflated payload",
            actual: written,
            limit: max_out,
        });
    }
    if !input.is_empty() {
        return Err(DccError::Inflate(format!(
            "{} bytes after the end of the stream",
            input.len()
        )));
    }
    out.truncate(written);
    Ok(out)
}

/// Deflate (zlib, best compression), for issuing.
///
/// # Errors
/// None today; the `Result` keeps the signature of a fallible encoder.
pub fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    Ok(miniz_oxide::deflate::compress_to_vec_zlib(data, 9))
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
