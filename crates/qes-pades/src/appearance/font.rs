//! TrueType fonts for signature appearances (ISO 32000-2 §9.6.3, §9.7): the bundled
//! DejaVu Sans Latin subset or a caller's TTF, validated once; glyph lookup and advance
//! widths for layout; and the embedded subset — a Type0 font with a `CIDFontType2`
//! descendant, `/Identity-H`, `/W` widths, a `/FontFile2` subset (`subsetter`) and a
//! `/ToUnicode` CMap (§9.10.3) so that text extraction gives back the exact characters.

use super::{deflate, stream};
use crate::pdf::update::ObjectSink;
use crate::pdf::ObjRef;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// The bundled font: DejaVu Sans, cut down to its Latin ranges (see `fonts/README.md`).
const DEJAVU_SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans-Latin.ttf");

/// The largest font file accepted.
pub const MAX_FONT_LEN: usize = 32 * 1024 * 1024;

/// A TrueType font (glyph outlines in `glyf`) to draw appearance text with.
///
/// Built from untrusted bytes by [`Font::from_ttf`], which checks everything the appearance
/// needs — the file parses, has TrueType outlines, a Unicode `cmap`, horizontal metrics and
/// a licence that permits embedding (OpenType `OS/2.fsType`) — so drawing cannot fail on
/// the font later. Cheap to clone.
#[derive(Clone)]
pub struct Font {
    data: Arc<[u8]>,
    index: u32,
    /// The PostScript name, reduced to the characters a PDF name allows unescaped.
    postscript_name: String,
    units_per_em: f64,
    ascent: i16,
    descent: i16,
    cap_height: i16,
    italic_angle: f64,
    bbox: [i16; 4],
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.postscript_name)
            .field("len", &self.data.len())
            .finish_non_exhaustive()
    }
}

impl Font {
    /// The bundled DejaVu Sans (Latin, Latin-1, Latin Extended-A/B/Additional: every
    /// Romanian letter, comma-below and cedilla forms).
    pub fn dejavu_sans() -> Self {
        // The bundled file is checked by a unit test; should it ever fail to parse, fall
        // back to an empty-named face over the same bytes rather than panic.
        Self::parse(Arc::from(DEJAVU_SANS), 0).unwrap_or_else(|_| Self {
            data: Arc::from(DEJAVU_SANS),
            index: 0,
            postscript_name: "DejaVuSans".into(),
            units_per_em: 2048.0,
            ascent: 1901,
            descent: -483,
            cap_height: 1493,
            italic_angle: 0.0,
            bbox: [-2090, -948, 3673, 2524],
        })
    }

    /// A caller's TrueType font (`.ttf`, or face `0` of a `.ttc` collection).
    ///
    /// # Errors
    /// [`Error::Font`] when the bytes are not a usable TrueType font: too large, not
    /// parseable, CFF outlines, no Unicode `cmap`, or a licence that forbids embedding.
    pub fn from_ttf(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_FONT_LEN {
            return Err(Error::Font("font file larger than 32 MiB"));
        }
        Self::parse(Arc::from(bytes), 0)
    }

    fn parse(data: Arc<[u8]>, index: u32) -> Result<Self> {
        let face = ttf_parser::Face::parse(&data, index)
            .map_err(|_| Error::Font("not a parseable TrueType/OpenType font"))?;
        let tables = face.tables();
        if tables.glyf.is_none() {
            return Err(Error::Font(
                "no TrueType outlines (glyf): CFF fonts are not supported",
            ));
        }
        if tables.hmtx.is_none() {
            return Err(Error::Font("no horizontal metrics (hmtx)"));
        }
        let unicode = tables
            .cmap
            .is_some_and(|c| c.subtables.into_iter().any(|s| s.is_unicode()));
        if !unicode {
            return Err(Error::Font("no Unicode cmap subtable"));
        }
        // OS/2 fsType (OpenType §OS/2): "Restricted License embedding" forbids it;
        // "no subsetting" forbids what we do. A font without OS/2 (old Apple fonts)
        // carries no restriction.
        if tables.os2.is_some() {
            if face.permissions() == Some(ttf_parser::Permissions::Restricted) {
                return Err(Error::Font("the font's licence forbids embedding"));
            }
            if !face.is_subsetting_allowed() {
                return Err(Error::Font("the font's licence forbids subsetting"));
            }
        }
        let upem = face.units_per_em();
        if !(16..=16384).contains(&upem) {
            return Err(Error::Font("unitsPerEm outside 16..16384"));
        }
        let name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_default();
        let mut postscript_name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(63)
            .collect();
        if postscript_name.is_empty() {
            postscript_name = "Font".into();
        }
        let b = face.global_bounding_box();
        Ok(Self {
            index,
            postscript_name,
            units_per_em: f64::from(upem),
            ascent: face.ascender(),
            descent: face.descender(),
            cap_height: face.capital_height().unwrap_or_else(|| face.ascender()),
            italic_angle: f64::from(face.italic_angle()),
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            data,
        })
    }

    fn face(&self) -> Result<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, self.index)
            .map_err(|_| Error::Font("not a parseable TrueType/OpenType font"))
    }

    /// Glyph and advance width (thousandths of the font size) of every character of
    /// `text`, in order.
    ///
    /// # Errors
    /// [`Error::MissingGlyph`] for a character the font has no glyph for.
    pub(crate) fn shape(&self, text: &str) -> Result<Vec<Glyph>> {
        let face = self.face()?;
        text.chars()
            .map(|ch| {
                let id = face
                    .glyph_index(ch)
                    .filter(|g| g.0 != 0)
                    .ok_or(Error::MissingGlyph(ch))?;
                let advance = face.glyph_hor_advance(id).unwrap_or(0);
                Ok(Glyph {
                    ch,
                    id: id.0,
                    width: f64::from(advance) * 1000.0 / self.units_per_em,
                })
            })
            .collect()
    }

    /// Whether the font has a glyph for `ch`.
    pub fn has_glyph(&self, ch: char) -> bool {
        self.face()
            .ok()
            .and_then(|f| f.glyph_index(ch))
            .is_some_and(|g| g.0 != 0)
    }

    /// Ascent and descent in thousandths of the font size.
    pub(crate) fn vertical_metrics(&self) -> (f64, f64) {
        let scale = 1000.0 / self.units_per_em;
        (
            f64::from(self.ascent) * scale,
            f64::from(self.descent) * scale,
        )
    }

    /// The PostScript name.
    pub fn name(&self) -> &str {
        &self.postscript_name
    }
}

/// One shaped character: its glyph in the original font and its advance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub ch: char,
    pub id: u16,
    /// Advance in thousandths of the font size.
    pub width: f64,
}

/// The glyphs an appearance uses, collected while drawing: original glyph → (new glyph
/// number, the characters it stands for, width).
#[derive(Debug, Default)]
pub(crate) struct GlyphSet {
    remapper: subsetter::GlyphRemapper,
    used: BTreeMap<u16, (String, f64)>,
}

impl GlyphSet {
    pub fn new() -> Self {
        let mut remapper = subsetter::GlyphRemapper::new();
        remapper.remap(0);
        Self {
            remapper,
            used: BTreeMap::new(),
        }
    }

    /// The glyph's code in the subset: its CID, which `/CIDToGIDMap /Identity` makes its
    /// glyph number too.
    pub fn code(&mut self, glyph: &Glyph) -> u16 {
        let cid = self.remapper.remap(glyph.id);
        self.used
            .entry(cid)
            .or_insert_with(|| (glyph.ch.to_string(), glyph.width));
        cid
    }

    pub fn is_empty(&self) -> bool {
        self.used.is_empty()
    }
}

/// The embedded font's objects, not yet numbered: the Type0 font refers to the others as
/// `{cid}`, `{descriptor}`, `{file}` and `{tounicode}` placeholders resolved by
/// [`EmbeddedFont::objects`].
pub(crate) struct EmbeddedFont {
    pub base_font: String,
    pub widths: String,
    pub descriptor: String,
    pub font_file: Vec<u8>,
    pub font_file_len: usize,
    pub to_unicode: Vec<u8>,
}

impl EmbeddedFont {
    /// Write the font program, descriptor, CIDFont, ToUnicode CMap and Type0 font into
    /// `sink`; the Type0 font's reference, for a `/Font` resource.
    ///
    /// # Errors
    /// [`Error::Overflow`] when object numbers run out; [`Error::Io`] from compression.
    pub fn write(&self, sink: &mut dyn ObjectSink) -> Result<ObjRef> {
        let file = sink.allocate()?;
        sink.put_body(
            file,
            stream(
                &format!("/Length1 {} /Filter /FlateDecode", self.font_file_len),
                &deflate(&self.font_file)?,
            ),
        );
        let descriptor = sink.allocate()?;
        sink.put_body(
            descriptor,
            self.descriptor
                .replace("{file}", &file.to_string())
                .into_bytes(),
        );
        let cid = sink.allocate()?;
        sink.put_body(
            cid,
            format!(
                "<</Type /Font /Subtype /CIDFontType2 /BaseFont /{} /CIDSystemInfo \
                 <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> \
                 /FontDescriptor {descriptor} /W {} /CIDToGIDMap /Identity>>",
                self.base_font, self.widths
            )
            .into_bytes(),
        );
        let cmap = sink.allocate()?;
        sink.put_body(
            cmap,
            stream("/Filter /FlateDecode", &deflate(&self.to_unicode)?),
        );
        let type0 = sink.allocate()?;
        sink.put_body(
            type0,
            format!(
                "<</Type /Font /Subtype /Type0 /BaseFont /{} /Encoding /Identity-H \
                 /DescendantFonts [{cid}] /ToUnicode {cmap}>>",
                self.base_font
            )
            .into_bytes(),
        );
        Ok(type0)
    }

    /// Subset `font` to `glyphs` and describe it (ISO 32000-2 §9.7.4 CIDFonts, §9.8 font
    /// descriptors, §9.9 embedded font programs, §9.10.3 ToUnicode).
    ///
    /// # Errors
    /// [`Error::Font`] when the subsetter rejects the font.
    pub fn build(font: &Font, glyphs: &GlyphSet) -> Result<Self> {
        let subset = subsetter::subset(&font.data, font.index, &glyphs.remapper)
            .map_err(|_| Error::Font("the font cannot be subset"))?;
        let tag = subset_tag(glyphs);
        let base_font = format!("{tag}+{}", font.postscript_name);
        let scale = 1000.0 / font.units_per_em;
        let scaled = |v: i16| (f64::from(v) * scale).round();
        // /W: runs of consecutive CIDs with their widths (§9.7.4.3).
        let mut widths = String::from("[");
        let mut run_start: Option<u16> = None;
        let mut last = 0u16;
        for (&cid, (_, width)) in &glyphs.used {
            let continues = run_start.is_some() && last.checked_add(1) == Some(cid);
            if !continues {
                if run_start.is_some() {
                    widths.push(']');
                }
                let _ = write!(widths, " {cid} [");
                run_start = Some(cid);
            }
            let _ = write!(widths, " {}", width.round());
            last = cid;
        }
        if run_start.is_some() {
            widths.push(']');
        }
        widths.push_str(" ]");
        // Flags: Nonsymbolic (bit 6), Italic (bit 7) when slanted (§9.8.2 Table 121).
        let flags = if font.italic_angle == 0.0 { 32 } else { 96 };
        let descriptor = format!(
            "<</Type /FontDescriptor /FontName /{base_font} /Flags {flags} /FontBBox [{} {} {} {}] \
             /ItalicAngle {} /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {{file}}>>",
            scaled(font.bbox[0]),
            scaled(font.bbox[1]),
            scaled(font.bbox[2]),
            scaled(font.bbox[3]),
            font.italic_angle.round(),
            scaled(font.ascent),
            scaled(font.descent),
            scaled(font.cap_height),
        );
        Ok(Self {
            base_font,
            widths,
            descriptor,
            font_file_len: subset.len(),
            font_file: subset,
            to_unicode: to_unicode(glyphs),
        })
    }
}

/// Six capital letters naming the subset (§9.9.2), derived from the glyphs it holds so the
/// same text gives the same tag.
fn subset_tag(glyphs: &GlyphSet) -> String {
    // FNV-1a over the glyph numbers.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (&cid, (text, _)) in &glyphs.used {
        for b in cid.to_be_bytes().iter().chain(text.as_bytes()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = (h >> (i * 5)) % 26;
            char::from(b'A'.saturating_add(u8::try_from(letter).unwrap_or(0)))
        })
        .collect()
}

/// The `/ToUnicode` CMap (§9.10.3, Adobe Technical Note #5411): each CID of the subset to
/// the UTF-16BE of its character.
fn to_unicode(glyphs: &GlyphSet) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = glyphs.used.iter().collect();
    // At most 100 entries per bfchar block (§9.10.3, 5411 §1.4.1).
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (cid, (text, _)) in chunk {
            let _ = write!(cmap, "<{cid:04X}> <");
            for unit in text.encode_utf16() {
                let _ = write!(cmap, "{unit:04X}");
            }
            cmap.push_str(">\n");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_parses_and_covers_romanian() {
        let font = Font::parse(Arc::from(DEJAVU_SANS), 0).unwrap();
        assert_eq!(font.name(), "DejaVuSans");
        for ch in "ăâîșțĂÂÎȘȚşţŞŢ€„”–".chars() {
            assert!(font.has_glyph(ch), "{ch}");
        }
        // Comma-below and cedilla forms are distinct glyphs.
        let g = font.shape("șş").unwrap();
        assert_ne!(g[0].id, g[1].id);
    }

    #[test]
    fn garbage_is_a_typed_error() {
        assert!(matches!(Font::from_ttf(b"not a font"), Err(Error::Font(_))));
        assert!(matches!(Font::from_ttf(&[]), Err(Error::Font(_))));
    }

    #[test]
    fn missing_glyph_is_reported() {
        let font = Font::dejavu_sans();
        assert!(matches!(font.shape("a中"), Err(Error::MissingGlyph('中'))));
    }

    #[test]
    fn subset_has_widths_and_tounicode() {
        let font = Font::dejavu_sans();
        let mut set = GlyphSet::new();
        for g in font.shape("Ștefan ș").unwrap() {
            set.code(&g);
        }
        let e = EmbeddedFont::build(&font, &set).unwrap();
        assert!(e.font_file.len() < DEJAVU_SANS.len() / 4);
        let tu = String::from_utf8(e.to_unicode).unwrap();
        assert!(tu.contains("<0218>"), "{tu}");
        assert!(tu.contains("<0219>"), "{tu}");
        assert!(e.base_font.ends_with("+DejaVuSans"));
        assert_eq!(e.base_font.len(), "ABCDEF+DejaVuSans".len());
        // The subset parses as a font again.
        assert!(ttf_parser::Face::parse(&e.font_file, 0).is_ok());
    }
}
