//! The QR code: rendering the `HC1:` text as PNG or SVG (error correction level Q, HCERT
//! §4.2 recommends at least Q), and reading it back from a PNG.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{DccError, Result};

/// Quiet zone around the symbol, in modules (ISO/IEC 18004 §6.3.8 requires 4).
pub const QUIET_ZONE: usize = 4;
/// Largest PNG accepted for reading, in pixels per side.
pub const MAX_IMAGE_SIDE: u32 = 4096;
/// Largest PNG file accepted for reading.
pub const MAX_PNG_LEN: usize = 16 * 1024 * 1024;

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
        .map_err(|e| DccError::Input(format!("QR code: {e}")))
}

/// Render `text` as a greyscale PNG, `scale` pixels per module (at least 1).
///
/// # Errors
/// [`DccError::Input`] when the text does not fit a QR code or encoding fails.
pub fn to_png(text: &str, scale: u32) -> Result<Vec<u8>> {
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let scale = usize::try_from(scale.max(1)).unwrap_or(1);
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for dy in 0..scale {
            let row = (my * scale + dy) * side;
            let start = row + mx * scale;
            if let Some(run) = pixels.get_mut(start..start + scale) {
                run.fill(0);
            }
        }
    }
    let side32 = u32::try_from(side).map_err(|_| DccError::Input("QR image too large".into()))?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side32, side32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc
            .write_header()
            .map_err(|e| DccError::Input(format!("PNG: {e}")))?;
        w.write_image_data(&pixels)
            .map_err(|e| DccError::Input(format!("PNG: {e}")))?;
    }
    Ok(out)
}

/// Render `text` as an SVG document (one path per dark module run, quiet zone included).
///
/// # Errors
/// [`DccError::Input`] when the text does not fit a QR code.
pub fn to_svg(text: &str) -> Result<String> {
    let code = code(text)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .build())
}

/// Read the text of the first QR code found in a PNG image.
///
/// # Errors
/// [`DccError::TooLarge`] above [`MAX_PNG_LEN`] or [`MAX_IMAGE_SIDE`], [`DccError::Input`]
/// when the PNG does not decode or holds no readable QR code.
pub fn read_png(png_bytes: &[u8]) -> Result<String> {
    if png_bytes.len() > MAX_PNG_LEN {
        return Err(DccError::TooLarge {
            what: "PNG",
            actual: png_bytes.len(),
            limit: MAX_PNG_LEN,
        });
    }
    let bad = |e: &dyn core::fmt::Display| DccError::Input(format!("PNG: {e}"));
    let limits = png::Limits {
        bytes: 64 * 1024 * 1024,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(png_bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return Err(DccError::TooLarge {
            what: "PNG side",
            actual: usize::try_from(w.max(h)).unwrap_or(usize::MAX),
            limit: usize::try_from(MAX_IMAGE_SIDE).unwrap_or(usize::MAX),
        });
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| DccError::Input("PNG: image too large".into()))?;
    let mut buf = vec![0u8; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(DccError::Input("PNG: palette not expanded".into())),
    };
    let (w, h) = (
        usize::try_from(frame.width).unwrap_or(0),
        usize::try_from(frame.height).unwrap_or(0),
    );
    let stride = frame.line_size;
    let luma = |x: usize, y: usize| -> u8 {
        let at = y * stride + x * channels;
        let px = buf.get(at..at + channels).unwrap_or(&[255, 255, 255, 255]);
        let (l, a) = match *px {
            [g] => (u32::from(g), 255),
            [g, a] => (u32::from(g), u32::from(a)),
            [r, g, b] => (
                (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000,
                255,
            ),
            [r, g, b, a] => (
                (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000,
                u32::from(a),
            ),
            _ => (255, 255),
        };
        // Transparent pixels are paper (white).
        u8::try_from((l * a + 255 * (255 - a)) / 255).unwrap_or(255)
    };
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    for grid in img.detect_grids() {
        if let Ok((_, content)) = grid.decode() {
            return Ok(content);
        }
    }
    Err(DccError::Input("no readable QR code in the image".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip_and_svg() {
        let text = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO";
        let png = to_png(text, 4).unwrap();
        assert_eq!(read_png(&png).unwrap(), text);
        let svg = to_svg(text).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        assert!(read_png(b"not a png").is_err());
    }
}
