//! Visible signature appearances (ISO 32000-2 §12.5.5 appearance streams, §12.7.5.5
//! signature fields): what the signature looks like — text in an embedded subset TrueType
//! font, an optional image, the OUG 140/2020 specialist stamp — laid out in the widget's
//! rectangle; where it goes on the page ([`Rect`] in the displayed page's coordinates,
//! honouring `/Rotate` and the crop box); and the form XObject with its font and image
//! objects written into the incremental update.
//!
//! - `font` — the TrueType font, its subset and the Type0/CIDFontType2 objects;
//! - `layout` — line wrapping and font-size fitting;
//! - `image` — PNG and JPEG image XObjects.

pub(crate) mod font;
mod image;
mod layout;

pub use font::{Font, MAX_FONT_LEN};
pub use image::{Image, MAX_IMAGE_LEN, MAX_IMAGE_PIXELS};
pub use layout::{MAX_FONT_SIZE, MAX_TEXT_CHARS, MIN_FONT_SIZE};

use crate::pdf::update::ObjectSink;
use crate::pdf::{ObjRef, Page};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use font::{EmbeddedFont, GlyphSet};
use layout::{Block, Paragraph, Style, LEADING};
use std::fmt::Write as _;
use std::io::Write as _;

/// Inner margin between the rectangle's edge and its contents, in points.
const PADDING: f64 = 2.0;

/// A rectangle on a page, in points, measured from the lower-left corner of the page's
/// visible area (its crop box) as it is displayed — after the page's `/Rotate`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Distance of the left edge from the visible page's left edge.
    pub x: f64,
    /// Distance of the bottom edge from the visible page's bottom edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// The rectangle `width` × `height` at (`x`, `y`).
    pub const fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Self {
            x,
            y,
            width,
            height,
        }
    }
}

/// The facts a default appearance shows, filled in by the signer from the certificate and
/// the signature dictionary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppearanceDetails {
    /// The signer's name (the certificate holder's display name).
    pub name: Option<String>,
    /// The claimed signing time (`/M`).
    pub date: Option<DateTime<Utc>>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
}

impl AppearanceDetails {
    fn date_text(&self) -> Option<String> {
        self.date
            .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
    }
}

#[derive(Clone, Debug)]
enum Look {
    Standard,
    Oug140 {
        attestation: String,
        authority: String,
    },
}

/// What a visible signature shows.
///
/// ```text
/// Appearance::new()                        signer name, date, reason, location
///     .with_text("Semnat de {name}\n{date}")   own text; {name} {date} {reason} {location}
///     .with_image(Image::from_bytes(&png)?)    a logo or scanned signature, left of the text
///     .with_font(Font::from_ttf(&ttf)?)        instead of the bundled DejaVu Sans
/// Appearance::oug140("AT-1234", "MDLPA")   the OUG 140/2020 specialist stamp
/// ```
///
/// Text is drawn in an embedded subset of a TrueType font (ISO 32000-2 §9.7.4: Type0,
/// `CIDFontType2`, `/Identity-H`, `/W`, `/FontFile2`) with a `/ToUnicode` CMap (§9.10.3),
/// so every character — Romanian ș ț (comma below) and ş ţ (cedilla) included — renders
/// and extracts as written. Lines wrap at spaces; the font size is the largest (up to
/// [`MAX_FONT_SIZE`]) at which the text fits the rectangle.
#[derive(Clone, Debug)]
pub struct Appearance {
    look: Look,
    text: Option<String>,
    font: Font,
    image: Option<Image>,
    max_font_size: f64,
}

impl Default for Appearance {
    fn default() -> Self {
        Self::new()
    }
}

impl Appearance {
    /// The standard appearance: "Digitally signed by" the signer, the date, the reason
    /// and location when given, in DejaVu Sans.
    pub fn new() -> Self {
        Self {
            look: Look::Standard,
            text: None,
            font: Font::dejavu_sans(),
            image: None,
            max_font_size: 12.0,
        }
    }

    /// The stamp of a Romanian construction, architecture or urban-planning specialist who
    /// signs technical documentation electronically (OUG 140/2020 amending Law 10/1995 and
    /// Law 50/1991): in a double border, the competent authority that issued the
    /// professional attestation, the specialist's name (from the certificate), the
    /// attestation number and the signing date.
    pub fn oug140(attestation: impl Into<String>, authority: impl Into<String>) -> Self {
        Self {
            look: Look::Oug140 {
                attestation: attestation.into(),
                authority: authority.into(),
            },
            ..Self::new()
        }
    }

    /// Show `text` instead of the default lines (for the OUG 140 stamp: below it). Line
    /// breaks start new lines; `{name}`, `{date}`, `{reason}` and `{location}` are replaced
    /// by the signature's details.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Draw text in `font` instead of the bundled DejaVu Sans.
    pub fn with_font(mut self, font: Font) -> Self {
        self.font = font;
        self
    }

    /// Show `image` left of the text (alone, centred, when the text is empty).
    pub fn with_image(mut self, image: Image) -> Self {
        self.image = Some(image);
        self
    }

    /// The largest font size automatic layout may choose (clamped to
    /// [`MIN_FONT_SIZE`]..=[`MAX_FONT_SIZE`]; default 12 pt).
    pub fn with_max_font_size(mut self, points: f64) -> Self {
        self.max_font_size = if points.is_finite() {
            points.clamp(MIN_FONT_SIZE, MAX_FONT_SIZE)
        } else {
            12.0
        };
        self
    }

    fn substitute(&self, text: &str, d: &AppearanceDetails) -> String {
        text.replace("{name}", d.name.as_deref().unwrap_or(""))
            .replace("{date}", &d.date_text().unwrap_or_default())
            .replace("{reason}", d.reason.as_deref().unwrap_or(""))
            .replace("{location}", d.location.as_deref().unwrap_or(""))
    }

    /// The paragraphs to set.
    fn paragraphs(&self, d: &AppearanceDetails) -> Result<Vec<Paragraph>> {
        let font = &self.font;
        let plain = |t: &str| layout::paragraphs(font, t, Style::PLAIN);
        match &self.look {
            Look::Standard => match &self.text {
                Some(t) => plain(&self.substitute(t, d)),
                None => {
                    let mut lines = vec![match &d.name {
                        Some(n) => format!("Digitally signed by {n}"),
                        None => "Digitally signed".to_string(),
                    }];
                    if let Some(date) = d.date_text() {
                        lines.push(format!("Date: {date}"));
                    }
                    if let Some(r) = &d.reason {
                        lines.push(format!("Reason: {r}"));
                    }
                    if let Some(l) = &d.location {
                        lines.push(format!("Location: {l}"));
                    }
                    plain(&lines.join("\n"))
                }
            },
            Look::Oug140 {
                attestation,
                authority,
            } => {
                let (attestation, authority) = (attestation.trim(), authority.trim());
                if attestation.is_empty() || authority.is_empty() {
                    return Err(Error::Appearance(
                        "the OUG 140/2020 stamp needs the attestation number and the authority",
                    ));
                }
                let style = |scale| Style {
                    scale,
                    centred: true,
                };
                let mut out = Vec::new();
                let mut add = |text: &str, scale| -> Result<()> {
                    out.extend(layout::paragraphs(font, text, style(scale))?);
                    Ok(())
                };
                add(authority, 0.8)?;
                add(d.name.as_deref().unwrap_or("Specialist"), 1.25)?;
                add(&format!("Atestat nr. {attestation}"), 1.0)?;
                if let Some(date) = d.date_text() {
                    add(&format!("Semnat electronic: {date}"), 0.8)?;
                }
                if let Some(t) = &self.text {
                    add(&self.substitute(t, d), 0.8)?;
                }
                Ok(out)
            }
        }
    }

    /// Lay the appearance out in a `width` × `height` point box: the form XObject's
    /// content stream and the font subset and image it uses.
    ///
    /// # Errors
    /// [`Error::Appearance`] for a box too small for the text at [`MIN_FONT_SIZE`], text
    /// longer than [`MAX_TEXT_CHARS`] or an incomplete OUG 140 stamp;
    /// [`Error::MissingGlyph`] for a character the font lacks; [`Error::Font`] when the
    /// font cannot be subset.
    pub fn render(
        &self,
        details: &AppearanceDetails,
        width: f64,
        height: f64,
    ) -> Result<RenderedAppearance> {
        if !(width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0) {
            return Err(Error::Appearance("the rectangle has no area"));
        }
        let paragraphs = self.paragraphs(details)?;
        let has_text = paragraphs.iter().any(|p| !p.glyphs.is_empty());
        let stamp = matches!(self.look, Look::Oug140 { .. });
        let border = if stamp { 4.0 } else { 0.0 };
        let inner = Frame {
            x: PADDING + border,
            y: PADDING + border,
            w: width - 2.0 * (PADDING + border),
            h: height - 2.0 * (PADDING + border),
        };
        if inner.w <= 0.0 || inner.h <= 0.0 {
            return Err(Error::Appearance("the rectangle is too small"));
        }
        let mut content = Vec::new();
        if stamp {
            // Double border: a heavier outer line and a thin inner one.
            let _ = writeln!(
                content,
                "q 0 0 0.45 RG 1.2 w {} {} {} {} re S 0.5 w {} {} {} {} re S Q",
                num(0.6),
                num(0.6),
                num(width - 1.2),
                num(height - 1.2),
                num(3.0),
                num(3.0),
                num(width - 6.0),
                num(height - 6.0)
            );
        }
        let mut text_frame = inner;
        if let Some(img) = &self.image {
            let aspect = img.aspect();
            let max_w = if has_text { inner.w * 0.4 } else { inner.w };
            let (mut w, mut h) = (inner.h * aspect, inner.h);
            if w > max_w {
                w = max_w;
                h = w / aspect;
            }
            let x = if has_text {
                inner.x
            } else {
                inner.x + (inner.w - w) / 2.0
            };
            let y = inner.y + (inner.h - h) / 2.0;
            let _ = writeln!(
                content,
                "q {} 0 0 {} {} {} cm /Im1 Do Q",
                num(w),
                num(h),
                num(x),
                num(y)
            );
            text_frame.x = inner.x + w + PADDING;
            text_frame.w = inner.w - w - PADDING;
        }
        let mut glyphs = GlyphSet::new();
        let mut laid_out = Vec::new();
        if has_text {
            let block = layout::fit(&paragraphs, text_frame.w, text_frame.h, self.max_font_size)?;
            self.draw_text(&block, text_frame, &mut glyphs, &mut content);
            laid_out = block
                .lines
                .iter()
                .map(|l| l.glyphs.iter().map(|g| g.ch).collect())
                .collect();
        }
        let font = if glyphs.is_empty() {
            None
        } else {
            Some(EmbeddedFont::build(&self.font, &glyphs)?)
        };
        Ok(RenderedAppearance {
            width,
            height,
            content,
            font,
            image: self.image.clone(),
            lines: laid_out,
        })
    }

    fn draw_text(&self, block: &Block, frame: Frame, glyphs: &mut GlyphSet, out: &mut Vec<u8>) {
        let (ascent, descent) = self.font.vertical_metrics();
        let mut top = frame.y + frame.h - (frame.h - block.height()).max(0.0) / 2.0;
        out.extend_from_slice(b"BT 0 g\n");
        for line in &block.lines {
            let size = block.size * line.style.scale;
            let line_h = size * LEADING;
            let glyph_h = (ascent - descent) * size / 1000.0;
            let baseline = top - (line_h - glyph_h) / 2.0 - ascent * size / 1000.0;
            let width = line.width * size / 1000.0;
            let x = if line.style.centred {
                frame.x + (frame.w - width).max(0.0) / 2.0
            } else {
                frame.x
            };
            top -= line_h;
            if line.glyphs.is_empty() {
                continue;
            }
            let _ = write!(
                out,
                "/F1 {} Tf 1 0 0 1 {} {} Tm <",
                num(size),
                num(x),
                num(baseline)
            );
            for g in &line.glyphs {
                let _ = write!(out, "{:04X}", glyphs.code(g));
            }
            out.extend_from_slice(b"> Tj\n");
        }
        out.extend_from_slice(b"ET\n");
    }
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// A laid-out appearance: the form XObject's content and the resources it draws with.
pub struct RenderedAppearance {
    width: f64,
    height: f64,
    content: Vec<u8>,
    font: Option<EmbeddedFont>,
    image: Option<Image>,
    lines: Vec<String>,
}

impl std::fmt::Debug for RenderedAppearance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderedAppearance")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("lines", &self.lines)
            .finish_non_exhaustive()
    }
}

impl RenderedAppearance {
    /// The content stream of the form XObject (ISO 32000-2 §8.10), in its `/BBox`
    /// `[0 0 width height]`.
    pub fn content(&self) -> &[u8] {
        &self.content
    }

    /// The lines of text as laid out, top to bottom.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The embedded font program (the TrueType subset), if any text is drawn.
    pub fn font_program(&self) -> Option<&[u8]> {
        self.font.as_ref().map(|f| f.font_file.as_slice())
    }

    /// Write the form XObject and its resources into `update`; its reference. `rotate`
    /// turns the form so it reads upright on a page displayed rotated by that much.
    pub(crate) fn write(&self, update: &mut dyn ObjectSink, rotate: u16) -> Result<ObjRef> {
        let mut resources = String::from("<<");
        if let Some(font) = &self.font {
            let type0 = font.write(update)?;
            let _ = write!(resources, "/Font <</F1 {type0}>> ");
        }
        if let Some(img) = &self.image {
            let mask = match &img.smask {
                Some(alpha) => {
                    let r = update.allocate()?;
                    update.put_body(
                        r,
                        stream(
                            &format!(
                                "/Type /XObject /Subtype /Image /Width {} /Height {} \
                                 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                                img.width, img.height
                            ),
                            alpha,
                        ),
                    );
                    format!(" /SMask {r}")
                }
                None => String::new(),
            };
            let decode = img
                .decode
                .map(|d| format!(" /Decode {d}"))
                .unwrap_or_default();
            let r = update.allocate()?;
            update.put_body(
                r,
                stream(
                    &format!(
                        "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{} \
                         /BitsPerComponent 8 /Filter /{}{decode}{mask}",
                        img.width, img.height, img.color_space, img.filter
                    ),
                    &img.data,
                ),
            );
            let _ = write!(resources, "/XObject <</Im1 {r}>> ");
        }
        resources.push_str("/ProcSet [/PDF /Text /ImageB /ImageC]>>");
        // Rotating counter-clockwise by the page's /Rotate undoes the display's
        // clockwise turn (ISO 32000-2 §12.5.5: the transformed /BBox is fitted to /Rect).
        let matrix = match rotate {
            90 => "0 1 -1 0 0 0",
            180 => "-1 0 0 -1 0 0",
            270 => "0 -1 1 0 0 0",
            _ => "1 0 0 1 0 0",
        };
        let form = update.allocate()?;
        update.put_body(
            form,
            stream(
                &format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 {} {}] /Matrix [{matrix}] \
                     /Resources {resources}",
                    num(self.width),
                    num(self.height)
                ),
                &self.content,
            ),
        );
        Ok(form)
    }
}

/// Where a visible widget goes: its `/Rect` in default user space, the appearance box
/// (width, height as displayed) and the page rotation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placement {
    pub rect: [f64; 4],
    pub width: f64,
    pub height: f64,
    pub rotate: u16,
}

/// Map `rect`, given on `page` as displayed (page number `number`), to default user space.
///
/// # Errors
/// [`Error::RectOutsidePage`] when the rectangle is empty or not inside the visible area.
pub(crate) fn place(page: &Page, number: usize, rect: Rect) -> Result<Placement> {
    let [cx0, cy0, cx1, cy1] = page.crop_box;
    let (pw, ph) = (cx1 - cx0, cy1 - cy0);
    let (dw, dh) = if page.rotate % 180 == 90 {
        (ph, pw)
    } else {
        (pw, ph)
    };
    let Rect {
        x,
        y,
        width,
        height,
    } = rect;
    let eps = 1e-6;
    let finite = [x, y, width, height].iter().all(|v| v.is_finite());
    if !finite
        || width <= 0.0
        || height <= 0.0
        || x < -eps
        || y < -eps
        || x + width > dw + eps
        || y + height > dh + eps
    {
        return Err(Error::RectOutsidePage {
            page: number,
            rect: [x, y, width, height],
            width: dw,
            height: dh,
        });
    }
    // A displayed point (u, v) back to user space (a, b) relative to the crop box.
    let to_user = |u: f64, v: f64| match page.rotate {
        90 => (pw - v, u),
        180 => (pw - u, ph - v),
        270 => (v, ph - u),
        _ => (u, v),
    };
    let (a0, b0) = to_user(x, y);
    let (a1, b1) = to_user(x + width, y + height);
    Ok(Placement {
        rect: [
            cx0 + a0.min(a1),
            cy0 + b0.min(b1),
            cx0 + a0.max(a1),
            cy0 + b0.max(b1),
        ],
        width,
        height,
        rotate: page.rotate,
    })
}

/// `dict` and `data` as a stream object body, `/Length` added.
pub(crate) fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().saturating_add(dict.len()).saturating_add(64));
    let _ = write!(out, "<<{dict} /Length {}>>\nstream\n", data.len());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

pub(crate) fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).map_err(Error::Io)?;
    z.finish().map_err(Error::Io)
}

/// A number for a content stream: at most three decimals, no exponent.
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let mut s = format!("{v:.3}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// The fuzz entry point: lay out `text` in `font_bytes` (or the bundled font when they do
/// not parse) in a `width` × `height` box and subset the font; never panics.
#[doc(hidden)]
pub fn fuzz_appearance(font_bytes: &[u8], text: &str, width: f64, height: f64) {
    let appearance = match Font::from_ttf(font_bytes) {
        Ok(f) => Appearance::new().with_font(f),
        Err(_) => Appearance::new(),
    }
    .with_text(text);
    let _ = appearance.render(&AppearanceDetails::default(), width, height);
    let _ = Image::from_bytes(font_bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn page(crop: [f64; 4], rotate: u16) -> Page {
        Page {
            id: ObjRef::new(3, 0),
            dict: crate::pdf::Dict::new(),
            media_box: crop,
            crop_box: crop,
            rotate,
        }
    }

    #[test]
    fn placement_honours_crop_box_and_rotation() {
        let r = Rect::new(10.0, 20.0, 100.0, 50.0);
        let p = place(&page([50.0, 60.0, 650.0, 860.0], 0), 1, r).unwrap();
        assert_eq!(p.rect, [60.0, 80.0, 160.0, 130.0]);
        // Rotated 90°: displayed 800 wide, 600 high; displayed x runs along user y.
        let p = place(&page([0.0, 0.0, 600.0, 800.0], 90), 1, r).unwrap();
        assert_eq!(p.rect, [530.0, 10.0, 580.0, 110.0]);
        let p = place(&page([0.0, 0.0, 600.0, 800.0], 180), 1, r).unwrap();
        assert_eq!(p.rect, [490.0, 730.0, 590.0, 780.0]);
        let p = place(&page([0.0, 0.0, 600.0, 800.0], 270), 1, r).unwrap();
        assert_eq!(p.rect, [20.0, 690.0, 70.0, 790.0]);
        let outside = Rect::new(550.0, 0.0, 100.0, 50.0);
        assert!(matches!(
            place(&page([0.0, 0.0, 600.0, 800.0], 0), 2, outside),
            Err(Error::RectOutsidePage { page: 2, .. })
        ));
        // The same rectangle fits the rotated (landscape) display.
        assert!(place(&page([0.0, 0.0, 600.0, 800.0], 90), 2, outside).is_ok());
        assert!(place(
            &page([0.0, 0.0, 600.0, 800.0], 0),
            1,
            Rect::new(0.0, 0.0, 0.0, 5.0)
        )
        .is_err());
    }

    #[test]
    fn default_text_and_stamp() {
        let d = AppearanceDetails {
            name: Some("Ștefan Țăranu".into()),
            date: DateTime::from_timestamp(1_796_000_000, 0),
            reason: Some("Aprobat".into()),
            location: None,
        };
        let r = Appearance::new().render(&d, 300.0, 80.0).unwrap();
        assert_eq!(r.lines()[0], "Digitally signed by Ștefan Țăranu");
        assert!(r.lines()[1].starts_with("Date: 2026-"));
        assert_eq!(r.lines()[2], "Reason: Aprobat");
        assert!(r.font_program().is_some());
        let s = Appearance::oug140("AT-12345", "Ministerul Dezvoltării")
            .render(&d, 220.0, 110.0)
            .unwrap();
        assert_eq!(
            s.lines(),
            [
                "Ministerul Dezvoltării",
                "Ștefan Țăranu",
                "Atestat nr. AT-12345",
                &format!("Semnat electronic: {}", d.date_text().unwrap())
            ]
        );
        assert!(String::from_utf8_lossy(s.content()).contains(" re S"));
        assert!(Appearance::oug140(" ", "X")
            .render(&d, 200.0, 100.0)
            .is_err());
        let t = Appearance::new()
            .with_text("{name} — {reason}")
            .render(&d, 300.0, 40.0)
            .unwrap();
        assert_eq!(t.lines(), ["Ștefan Țăranu — Aprobat"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(f64::NAN), "0");
    }

    proptest! {
        #[test]
        fn render_never_panics(s in ".{0,200}", w in -10.0f64..500.0, h in -10.0f64..300.0) {
            let a = Appearance::new().with_text(s);
            let _ = a.render(&AppearanceDetails::default(), w, h);
        }

        #[test]
        fn latin_text_lays_out_and_subsets(
            s in "[a-zA-Z0-9 ăâîșțĂÂÎȘȚşţŞŢ€„”,.;:!?()\n-]{0,300}",
            w in 20.0f64..500.0,
            h in 10.0f64..300.0,
        ) {
            match Appearance::new().with_text(s.clone()).render(&AppearanceDetails::default(), w, h) {
                Ok(r) => {
                    // Every character drawn is in the laid-out lines, in order.
                    let drawn: String = r.lines().concat().chars().filter(|c| *c != ' ').collect();
                    let given: String = s.chars().filter(|c| *c != ' ' && *c != '\n').collect();
                    prop_assert_eq!(drawn, given);
                    if r.lines().iter().any(|l| !l.trim().is_empty()) {
                        prop_assert!(r.font_program().is_some());
                    }
                }
                Err(e) => prop_assert!(matches!(e, Error::Appearance(_)), "{e}"),
            }
        }

        #[test]
        fn arbitrary_font_bytes_are_typed_errors(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            fuzz_appearance(&bytes, "ăâîșț", 100.0, 40.0);
            prop_assert!(Font::from_ttf(&bytes).is_err());
        }
    }
}
