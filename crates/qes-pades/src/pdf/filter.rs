//! Stream decoding (ISO 32000-2 §7.4): `FlateDecode` (§7.4.4) with a hard cap on the
//! decoded size, and the PNG predictors of §7.4.4.4 used by cross-reference and object
//! streams. Other filters are refused: the reader only needs to decode its own structures.

use super::object::{Dict, Object};
use crate::{Error, Result};
use std::io::Read;

/// Decode a stream's raw `data` as its dictionary's `/Filter` and `/DecodeParms` say,
/// producing at most `max_len` bytes.
pub(crate) fn decode(dict: &Dict, data: &[u8], max_len: usize) -> Result<Vec<u8>> {
    let filters: Vec<&Object> = match dict.get("Filter") {
        None | Some(Object::Null) => Vec::new(),
        Some(Object::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    };
    let parms: Vec<Option<&Dict>> = match dict.get("DecodeParms") {
        Some(Object::Array(a)) => a.iter().map(Object::as_dict).collect(),
        Some(d) => vec![d.as_dict()],
        None => Vec::new(),
    };
    let mut out = data.to_vec();
    if out.len() > max_len && filters.is_empty() {
        return Err(Error::Limit {
            what: "decoded stream size",
            limit: max_len,
        });
    }
    for (i, filter) in filters.iter().enumerate() {
        match filter {
            Object::Name(n) if n.as_bytes() == b"FlateDecode" || n.as_bytes() == b"Fl" => {
                out = inflate(&out, max_len)?;
                if let Some(Some(p)) = parms.get(i) {
                    out = unpredict(p, &out)?;
                }
            }
            _ => {
                return Err(Error::Filter {
                    reason: "unsupported filter",
                })
            }
        }
    }
    Ok(out)
}

/// zlib inflate, failing once more than `max_len` bytes would come out. A truncated or
/// corrupt tail keeps what was decoded before it only if it is complete zlib data.
fn inflate(data: &[u8], max_len: usize) -> Result<Vec<u8>> {
    let cap = u64::try_from(max_len)
        .map_err(|_| Error::Overflow)?
        .saturating_add(1);
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|_| Error::Filter {
            reason: "corrupt FlateDecode data",
        })?;
    if out.len() > max_len {
        return Err(Error::Limit {
            what: "decoded stream size",
            limit: max_len,
        });
    }
    Ok(out)
}

/// Undo a PNG predictor (`/Predictor` 10–15, ISO 32000-2 §7.4.4.4 Table 10); predictor 1
/// is the identity; TIFF predictor 2 is refused.
fn unpredict(parms: &Dict, data: &[u8]) -> Result<Vec<u8>> {
    let predictor = parms.get_int("Predictor").unwrap_or(1);
    if predictor == 1 {
        return Ok(data.to_vec());
    }
    if !(10..=15).contains(&predictor) {
        return Err(Error::Filter {
            reason: "unsupported predictor",
        });
    }
    let bad = || Error::Filter {
        reason: "bad predictor parameters",
    };
    let param = |key: &str, default: i64| {
        usize::try_from(parms.get_int(key).unwrap_or(default)).map_err(|_| bad())
    };
    let colors = param("Colors", 1)?;
    let bits = param("BitsPerComponent", 8)?;
    let columns = param("Columns", 1)?;
    if colors == 0 || colors > 32 || !matches!(bits, 1 | 2 | 4 | 8 | 16) || columns == 0 {
        return Err(bad());
    }
    let bits_per_pixel = colors.checked_mul(bits).ok_or_else(bad)?;
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    let row_len = columns
        .checked_mul(bits_per_pixel)
        .ok_or_else(bad)?
        .div_ceil(8);
    let stride = row_len.checked_add(1).ok_or_else(bad)?;
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row_len];
    for chunk in data.chunks(stride) {
        let Some((&kind, row)) = chunk.split_first() else {
            break;
        };
        let mut cur = row.to_vec();
        cur.resize(row_len, 0);
        for i in 0..row_len {
            let left = i
                .checked_sub(bpp)
                .and_then(|j| cur.get(j))
                .copied()
                .unwrap_or(0);
            let up = prev.get(i).copied().unwrap_or(0);
            let up_left = i
                .checked_sub(bpp)
                .and_then(|j| prev.get(j))
                .copied()
                .unwrap_or(0);
            let x = cur.get(i).copied().unwrap_or(0);
            let value = match kind {
                0 => x,
                1 => x.wrapping_add(left),
                2 => x.wrapping_add(up),
                3 => {
                    let avg = (u16::from(left) + u16::from(up)) / 2;
                    x.wrapping_add(u8::try_from(avg).unwrap_or(0))
                }
                4 => x.wrapping_add(paeth(left, up, up_left)),
                _ => {
                    return Err(Error::Filter {
                        reason: "unknown PNG filter type",
                    })
                }
            };
            if let Some(slot) = cur.get_mut(i) {
                *slot = value;
            }
        }
        out.extend_from_slice(cur.get(..row.len().min(row_len)).unwrap_or_default());
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::object::Name;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn flate_dict(parms: Option<Dict>) -> Dict {
        let mut d = Dict::new();
        d.set("Filter", Object::Name(Name::from("FlateDecode")));
        if let Some(p) = parms {
            d.set("DecodeParms", Object::Dict(p));
        }
        d
    }

    #[test]
    fn inflate_with_cap() {
        let data = vec![7u8; 10_000];
        let z = zlib(&data);
        assert_eq!(decode(&flate_dict(None), &z, 10_000).unwrap(), data);
        assert!(matches!(
            decode(&flate_dict(None), &z, 9_999),
            Err(Error::Limit { .. })
        ));
        assert!(decode(&flate_dict(None), b"not zlib", 100).is_err());
    }

    #[test]
    fn png_up_predictor() {
        // Two rows of 3 columns, PNG "Up" (2): the second row adds to the first.
        let encoded = [2u8, 1, 2, 3, 2, 1, 1, 1];
        let mut p = Dict::new();
        p.set("Predictor", Object::Integer(12));
        p.set("Columns", Object::Integer(3));
        let out = decode(&flate_dict(Some(p)), &zlib(&encoded), 100).unwrap();
        assert_eq!(out, [1, 2, 3, 2, 3, 4]);
    }

    #[test]
    fn png_sub_avg_paeth() {
        let mut p = Dict::new();
        p.set("Predictor", Object::Integer(15));
        p.set("Columns", Object::Integer(2));
        let encoded = [1u8, 5, 1, 3, 2, 2, 4, 1, 1];
        let out = decode(&flate_dict(Some(p)), &zlib(&encoded), 100).unwrap();
        // Row 1 (Sub): 5, 6. Row 2 (Average): 2+(0+5)/2=4, 2+(4+6)/2=7.
        // Row 3 (Paeth): 1+paeth(0,4,0)=5, 1+paeth(5,7,4)=1+7=8.
        assert_eq!(out, [5, 6, 4, 7, 5, 8]);
    }

    #[test]
    fn other_filters_are_refused() {
        let mut d = Dict::new();
        d.set("Filter", Object::name("LZWDecode"));
        assert!(matches!(decode(&d, b"x", 100), Err(Error::Filter { .. })));
    }
}
