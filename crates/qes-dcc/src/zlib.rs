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
    with_inflated(data, max_out, |r| r.map(<[u8]>::to_vec))
}

/// Inflate as [`inflate`] does and hand the output to `f`, without allocating it: each
/// thread keeps one decompressor and one output buffer for every certificate it reads.
///
/// The decompressor's Huffman tables (about 11 KiB) are allocated once and `init` resets only
/// its state, where a stream decompressor zeroes a 32 KiB window for every certificate.
/// Nothing of an earlier stream can leak into a later one: the output buffer is not a
/// wrapping window, so a distance reaching before the start of this stream's output is an
/// error, and `f` sees only this stream's bytes. A buffer grown past [`KEEP`] is released.
pub(crate) fn with_inflated<T>(
    data: &[u8],
    max_out: usize,
    f: impl FnOnce(Result<&[u8]>) -> T,
) -> T {
    struct Scratch {
        decompressor: Box<DecompressorOxide>,
        out: Vec<u8>,
    }
    thread_local! {
        static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
            decompressor: Box::default(),
            out: Vec::new(),
        });
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => {
            let Scratch { decompressor, out } = &mut *scratch;
            decompressor.init();
            let r = inflate_with(decompressor, data, max_out, out);
            let t = f(r.map(|n| out.get(..n).unwrap_or_default()));
            if out.capacity() > KEEP {
                *out = Vec::new();
            }
            t
        }
        // Called again from inside `f`: this call gets its own state.
        Err(_) => {
            let mut out = Vec::new();
            let r = inflate_with(&mut Box::default(), data, max_out, &mut out);
            f(r.map(|n| out.get(..n).unwrap_or_default()))
        }
    })
}

/// The output buffer a thread keeps between certificates (an HCERT inflates to well under a
/// kilobyte; a larger buffer is released after use).
const KEEP: usize = 16 * 1024;

/// Inflate into `out` (its contents are overwritten, it grows as needed); the number of
/// bytes written.
fn inflate_with(
    d: &mut DecompressorOxide,
    data: &[u8],
    max_out: usize,
    out: &mut Vec<u8>,
) -> Result<usize> {
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_COMPUTE_ADLER32
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    // One byte more than allowed, to tell "exactly max_out" from "more".
    let cap = max_out.saturating_add(1);
    let first = data.len().saturating_mul(3).max(64).min(cap);
    if out.len() < first {
        out.resize(first, 0);
    }
    out.truncate(cap);
    let mut input = data;
    let mut written = 0usize;
    loop {
        let (status, consumed, produced) = decompress(d, input, out, written, flags);
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
    Ok(written)
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

    #[test]
    fn the_thread_buffer_never_shows_an_earlier_stream() {
        let long: Vec<u8> = (0..40_000u32)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        let short = b"short".to_vec();
        let (zl, zs) = (deflate(&long).unwrap(), deflate(&short).unwrap());
        // Long (past the kept size), short, a failure, short again, and a call nested in `f`.
        assert_eq!(inflate(&zl, 64 * 1024).unwrap(), long);
        assert_eq!(inflate(&zs, 100).unwrap(), short);
        assert!(inflate(&zl, 100).is_err());
        let nested = with_inflated(&zs, 100, |outer| {
            let inner = inflate(&zl, 64 * 1024).unwrap();
            (outer.unwrap().to_vec(), inner)
        });
        assert_eq!(nested, (short.clone(), long));
        assert_eq!(inflate(&zs, 5).unwrap(), short);
        assert!(matches!(inflate(&zs, 4), Err(DccError::TooLarge { .. })));
    }
}
