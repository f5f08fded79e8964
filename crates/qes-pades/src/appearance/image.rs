//! Images for appearances as image XObjects (ISO 32000-2 §8.9.5): JPEG passed through as
//! `/DCTDecode` after reading its frame header (ITU-T T.81 §B.2.2), PNG decoded (`png`)
//! and re-encoded `/FlateDecode` with its alpha channel as a soft mask (§11.6.5.3).

use crate::{Error, Result};
use std::io::Write as _;

/// The largest image file accepted.
pub const MAX_IMAGE_LEN: usize = 32 * 1024 * 1024;
/// The most pixels (width × height) a PNG may decode to.
pub const MAX_IMAGE_PIXELS: u64 = 32 * 1024 * 1024;

/// An image to draw in a signature appearance.
#[derive(Clone)]
pub struct Image {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) color_space: &'static str,
    /// `/Decode` for Adobe (inverted) CMYK JPEGs.
    pub(crate) decode: Option<&'static str>,
    pub(crate) filter: &'static str,
    pub(crate) data: Vec<u8>,
    /// The alpha channel, Flate-compressed 8-bit grey.
    pub(crate) smask: Option<Vec<u8>>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("color_space", &self.color_space)
            .field("filter", &self.filter)
            .field("alpha", &self.smask.is_some())
            .finish_non_exhaustive()
    }
}

impl Image {
    /// A PNG or JPEG image, told apart by its signature bytes.
    ///
    /// # Errors
    /// [`Error::Image`] for anything else, or as [`Image::from_png`] / [`Image::from_jpeg`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Self::from_png(bytes)
        } else if bytes.starts_with(&[0xff, 0xd8]) {
            Self::from_jpeg(bytes)
        } else {
            Err(Error::Image("neither PNG nor JPEG"))
        }
    }

    /// The aspect ratio, width over height.
    pub fn aspect(&self) -> f64 {
        f64::from(self.width) / f64::from(self.height.max(1))
    }

    /// A JPEG (baseline, extended or progressive DCT; grey, RGB/YCbCr or CMYK), embedded as
    /// it is.
    ///
    /// # Errors
    /// [`Error::Image`] when no supported frame header is found or it is inconsistent.
    pub fn from_jpeg(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_IMAGE_LEN {
            return Err(Error::Image("image file larger than 32 MiB"));
        }
        let frame = jpeg_frame(bytes)?;
        let (color_space, decode) = match (frame.components, frame.adobe) {
            (1, _) => ("DeviceGray", None),
            (3, _) => ("DeviceRGB", None),
            // Adobe's APP14 marks CMYK stored inverted (as Photoshop writes it).
            (4, true) => ("DeviceCMYK", Some("[1 0 1 0 1 0 1 0]")),
            (4, false) => ("DeviceCMYK", None),
            _ => return Err(Error::Image("JPEG with other than 1, 3 or 4 components")),
        };
        Ok(Self {
            width: u32::from(frame.width),
            height: u32::from(frame.height),
            color_space,
            decode,
            filter: "DCTDecode",
            data: bytes.to_vec(),
            smask: None,
        })
    }

    /// A PNG of any colour type and depth: expanded to 8-bit grey or RGB, its alpha
    /// channel (or `tRNS` transparency) split into a soft mask.
    ///
    /// # Errors
    /// [`Error::Image`] when it does not decode, or is larger than [`MAX_IMAGE_PIXELS`].
    pub fn from_png(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_IMAGE_LEN {
            return Err(Error::Image("image file larger than 32 MiB"));
        }
        let limits = png::Limits {
            bytes: 256 * 1024 * 1024,
        };
        let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder
            .read_info()
            .map_err(|_| Error::Image("PNG header does not decode"))?;
        let (w, h) = reader.info().size();
        if w == 0 || h == 0 || u64::from(w).saturating_mul(u64::from(h)) > MAX_IMAGE_PIXELS {
            return Err(Error::Image("PNG empty or larger than 32 Mi pixels"));
        }
        let size = reader
            .output_buffer_size()
            .ok_or(Error::Image("PNG too large"))?;
        let mut buf = vec![0; size];
        let info = reader
            .next_frame(&mut buf)
            .map_err(|_| Error::Image("PNG data does not decode"))?;
        let pixels = usize::try_from(u64::from(info.width).saturating_mul(u64::from(info.height)))
            .map_err(|_| Error::Overflow)?;
        let (channels, color_space) = match info.color_type {
            png::ColorType::Grayscale => (1, "DeviceGray"),
            png::ColorType::GrayscaleAlpha => (2, "DeviceGray"),
            png::ColorType::Rgb => (3, "DeviceRGB"),
            png::ColorType::Rgba => (4, "DeviceRGB"),
            png::ColorType::Indexed => return Err(Error::Image("PNG palette not expanded")),
        };
        if info.bit_depth != png::BitDepth::Eight {
            return Err(Error::Image("PNG not expanded to 8 bits"));
        }
        let has_alpha = channels == 2 || channels == 4;
        let colour_channels = if has_alpha { channels - 1 } else { channels };
        let mut colour = Vec::with_capacity(pixels.saturating_mul(colour_channels));
        let mut alpha = Vec::with_capacity(if has_alpha { pixels } else { 0 });
        let row_bytes = usize::try_from(info.width)
            .map_err(|_| Error::Overflow)?
            .saturating_mul(channels);
        let rows = usize::try_from(info.height).map_err(|_| Error::Overflow)?;
        for row in buf.chunks(info.line_size.max(1)).take(rows) {
            for px in row.get(..row_bytes).unwrap_or(row).chunks_exact(channels) {
                let (c, a) = px.split_at(colour_channels);
                colour.extend_from_slice(c);
                alpha.extend_from_slice(a);
            }
        }
        let opaque = alpha.iter().all(|&a| a == 255);
        Ok(Self {
            width: info.width,
            height: info.height,
            color_space,
            decode: None,
            filter: "FlateDecode",
            data: deflate(&colour)?,
            smask: if has_alpha && !opaque {
                Some(deflate(&alpha)?)
            } else {
                None
            },
        })
    }
}

fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).map_err(Error::Io)?;
    z.finish().map_err(Error::Io)
}

/// What a JPEG frame header says.
struct Frame {
    width: u16,
    height: u16,
    components: u8,
    adobe: bool,
}

/// Walk the JPEG markers (T.81 §B.1.1) to the first frame header: SOF0 baseline, SOF1
/// extended or SOF2 progressive, Huffman-coded, 8-bit.
fn jpeg_frame(bytes: &[u8]) -> Result<Frame> {
    let bad = |reason| Error::Image(reason);
    let mut at = 2usize;
    let mut adobe = false;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while bytes.get(at) == Some(&0xff) && bytes.get(at + 1) == Some(&0xff) {
            at += 1;
        }
        let (Some(0xff), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(bad("JPEG: no frame header"));
        };
        at += 2;
        if (0xd0..=0xd9).contains(&marker) || marker == 0x01 {
            // RSTn, SOI, EOI, TEM: no length.
            if marker == 0xd9 {
                return Err(bad("JPEG: no frame header"));
            }
            continue;
        }
        let len = match (bytes.get(at), bytes.get(at + 1)) {
            (Some(&a), Some(&b)) => usize::from(u16::from_be_bytes([a, b])),
            _ => return Err(bad("JPEG: truncated segment")),
        };
        if len < 2 {
            return Err(bad("JPEG: segment length below 2"));
        }
        let segment = bytes
            .get(at + 2..at + len)
            .ok_or(bad("JPEG: truncated segment"))?;
        match marker {
            0xee if segment.starts_with(b"Adobe") => adobe = true,
            0xc0..=0xc2 => {
                let (Some(&precision), Some(&h0), Some(&h1), Some(&w0), Some(&w1), Some(&n)) = (
                    segment.first(),
                    segment.get(1),
                    segment.get(2),
                    segment.get(3),
                    segment.get(4),
                    segment.get(5),
                ) else {
                    return Err(bad("JPEG: truncated frame header"));
                };
                let height = u16::from_be_bytes([h0, h1]);
                let width = u16::from_be_bytes([w0, w1]);
                if precision != 8 {
                    return Err(bad("JPEG: sample precision other than 8 bits"));
                }
                if width == 0 || height == 0 {
                    return Err(bad("JPEG: zero width or height (DNL) not supported"));
                }
                if segment.len() < 6 + 3 * usize::from(n) {
                    return Err(bad("JPEG: truncated frame header"));
                }
                return Ok(Frame {
                    width,
                    height,
                    components: n,
                    adobe,
                });
            }
            0xc3 | 0xc5..=0xc7 | 0xc9..=0xcb | 0xcd..=0xcf => {
                return Err(bad("JPEG: lossless, hierarchical or arithmetic coding"));
            }
            0xda => return Err(bad("JPEG: scan before the frame header")),
            _ => {}
        }
        at += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn png(color: png::ColorType, pixels: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(color);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        wr.write_image_data(pixels).unwrap();
        wr.finish().unwrap();
        out
    }

    fn inflate(data: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn png_rgba_splits_alpha() {
        let px = [255, 0, 0, 128, 0, 255, 0, 255, 0, 0, 255, 0, 9, 9, 9, 9];
        let img = Image::from_bytes(&png(png::ColorType::Rgba, &px, 2, 2)).unwrap();
        assert_eq!(
            (img.width, img.height, img.color_space),
            (2, 2, "DeviceRGB")
        );
        assert_eq!(
            inflate(&img.data),
            [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]
        );
        assert_eq!(inflate(img.smask.as_ref().unwrap()), [128, 255, 0, 9]);
    }

    #[test]
    fn opaque_png_has_no_mask() {
        let img = Image::from_png(&png(png::ColorType::Grayscale, &[1, 2, 3], 3, 1)).unwrap();
        assert_eq!(img.color_space, "DeviceGray");
        assert!(img.smask.is_none());
        assert_eq!(inflate(&img.data), [1, 2, 3]);
    }

    #[test]
    fn jpeg_header_is_read() {
        // SOI, APP0 (JFIF), SOF0 8-bit 3×2 with 3 components, then EOI.
        let mut j = vec![0xff, 0xd8, 0xff, 0xe0, 0, 7, b'J', b'F', b'I', b'F', 0];
        j.extend_from_slice(&[0xff, 0xc0, 0, 17, 8, 0, 2, 0, 3, 3]);
        j.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        j.extend_from_slice(&[0xff, 0xd9]);
        let img = Image::from_bytes(&j).unwrap();
        assert_eq!(
            (img.width, img.height, img.color_space),
            (3, 2, "DeviceRGB")
        );
        assert_eq!(img.filter, "DCTDecode");
        assert_eq!(img.data, j);
        assert!(Image::from_jpeg(&j[..12]).is_err());
        assert!(Image::from_bytes(b"GIF89a").is_err());
    }

    proptest! {
        #[test]
        fn image_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = Image::from_jpeg(&bytes);
            let _ = Image::from_png(&bytes);
            let mut jpeg = vec![0xff, 0xd8];
            jpeg.extend_from_slice(&bytes);
            let _ = Image::from_bytes(&jpeg);
        }
    }
}
