//! Text layout for appearances: paragraphs wrapped at spaces to a box width (a word wider
//! than the box is broken between characters), and the largest font size, in steps of a
//! quarter point, at which the wrapped lines fit the box.

use super::font::{Font, Glyph};
use crate::{Error, Result};

/// Line height as a multiple of the font size.
pub(crate) const LEADING: f64 = 1.2;
/// The smallest font size text is set in, in points.
pub const MIN_FONT_SIZE: f64 = 4.0;
/// The largest font size automatic layout picks, in points.
pub const MAX_FONT_SIZE: f64 = 24.0;
/// The most characters an appearance's text may have.
pub const MAX_TEXT_CHARS: usize = 4096;

/// One laid-out line: its glyphs, width in thousandths of its font size, and its style.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub glyphs: Vec<Glyph>,
    pub width: f64,
    pub style: Style,
}

/// How a paragraph is set: its size relative to the block's, and its alignment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Style {
    pub scale: f64,
    pub centred: bool,
}

impl Style {
    /// Left-aligned at the block's size.
    pub const PLAIN: Self = Self {
        scale: 1.0,
        centred: false,
    };
}

/// A shaped paragraph and its style.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Paragraph {
    pub glyphs: Vec<Glyph>,
    pub style: Style,
}

/// Lines set in one size.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Block {
    pub size: f64,
    pub lines: Vec<Line>,
}

impl Block {
    /// The block's height in points.
    pub fn height(&self) -> f64 {
        height(&self.lines, self.size)
    }
}

fn height(lines: &[Line], size: f64) -> f64 {
    lines.iter().map(|l| l.style.scale * size * LEADING).sum()
}

/// Shape `text`: control characters other than line breaks dropped, tabs as spaces; each
/// line break starts a paragraph.
///
/// # Errors
/// [`Error::Appearance`] for text longer than [`MAX_TEXT_CHARS`]; [`Error::MissingGlyph`].
pub(crate) fn paragraphs(font: &Font, text: &str, style: Style) -> Result<Vec<Paragraph>> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::Appearance("text longer than 4096 characters"));
    }
    text.lines()
        .map(|line| {
            let clean: String = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .filter(|c| !c.is_control())
                .collect();
            Ok(Paragraph {
                glyphs: font.shape(clean.trim_end())?,
                style,
            })
        })
        .collect()
}

/// `paragraph` wrapped to `max` thousandths of the font size.
fn wrap(paragraph: &Paragraph, size: f64, box_width: f64, out: &mut Vec<Line>) {
    let style = paragraph.style;
    let max = box_width * 1000.0 / (size * style.scale);
    let paragraph = paragraph.glyphs.as_slice();
    let mut line: Vec<Glyph> = Vec::new();
    let mut width = 0.0;
    // Words with the spaces before them.
    let mut words: Vec<&[Glyph]> = Vec::new();
    let mut start = 0;
    for (i, g) in paragraph.iter().enumerate() {
        if g.ch == ' ' && i > start {
            words.push(paragraph.get(start..i).unwrap_or_default());
            start = i;
        }
    }
    words.push(paragraph.get(start..).unwrap_or_default());
    for word in words {
        let w: f64 = word.iter().map(|g| g.width).sum();
        if width + w <= max {
            line.extend_from_slice(word);
            width += w;
            continue;
        }
        // The word goes to a new line, without its leading space.
        let word = match word.first() {
            Some(g) if g.ch == ' ' => word.get(1..).unwrap_or_default(),
            _ => word,
        };
        if !line.is_empty() {
            out.push(Line {
                glyphs: std::mem::take(&mut line),
                width,
                style,
            });
            width = 0.0;
        }
        let w: f64 = word.iter().map(|g| g.width).sum();
        if w <= max {
            line.extend_from_slice(word);
            width = w;
            continue;
        }
        // Wider than the box: break between characters.
        for g in word {
            if width + g.width > max && !line.is_empty() {
                out.push(Line {
                    glyphs: std::mem::take(&mut line),
                    width,
                    style,
                });
                width = 0.0;
            }
            line.push(*g);
            width += g.width;
        }
    }
    out.push(Line {
        glyphs: line,
        width,
        style,
    });
}

/// Sizes below this are tried only when the text cannot fit unwrapped at this size or more.
const UNWRAPPED_FLOOR: f64 = 7.0;

/// The paragraphs set in the largest size from `max_size` down to [`MIN_FONT_SIZE`] at
/// which they fit `width` × `height` points — preferring, down to 7 pt, a size at which no
/// paragraph needs wrapping.
///
/// # Errors
/// [`Error::Appearance`] when they do not fit even at the smallest size.
pub(crate) fn fit(
    paragraphs: &[Paragraph],
    width: f64,
    height: f64,
    max_size: f64,
) -> Result<Block> {
    if !(width > 0.0 && height > 0.0) {
        return Err(Error::Appearance("the rectangle has no area"));
    }
    let max_size = max_size.clamp(MIN_FONT_SIZE, MAX_FONT_SIZE);
    let unwrapped_floor = UNWRAPPED_FLOOR.min(max_size);
    fit_down_to(paragraphs, width, height, max_size, unwrapped_floor, false)
        .or_else(|| fit_down_to(paragraphs, width, height, max_size, MIN_FONT_SIZE, true))
        .ok_or(Error::Appearance(
            "the text does not fit the rectangle at 4 pt",
        ))
}

fn fit_down_to(
    paragraphs: &[Paragraph],
    width: f64,
    height: f64,
    max_size: f64,
    floor: f64,
    may_wrap: bool,
) -> Option<Block> {
    let mut size = max_size;
    loop {
        let mut lines = Vec::new();
        for p in paragraphs {
            wrap(p, size, width, &mut lines);
        }
        let fits_wide = lines
            .iter()
            .all(|l| l.width * size * l.style.scale / 1000.0 <= width + 1e-6);
        let wraps = lines.len() > paragraphs.len();
        if fits_wide && (may_wrap || !wraps) && self::height(&lines, size) <= height + 1e-6 {
            return Some(Block { size, lines });
        }
        if size <= floor {
            return None;
        }
        size = (size - 0.25).max(floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.glyphs.iter().map(|g| g.ch).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_shrinks_to_fit() {
        let font = Font::dejavu_sans();
        let p = paragraphs(
            &font,
            "Semnat de Ștefan Țăranu\nData: 2026-12-04",
            Style::PLAIN,
        )
        .unwrap();
        let wide = fit(&p, 400.0, 100.0, 12.0).unwrap();
        assert_eq!(wide.size, 12.0);
        assert_eq!(
            text(&wide.lines),
            ["Semnat de Ștefan Țăranu", "Data: 2026-12-04"]
        );
        let narrow = fit(&p, 80.0, 200.0, 12.0).unwrap();
        assert!(narrow.lines.len() > 2);
        assert!(text(&narrow.lines).iter().all(|l| !l.starts_with(' ')));
        let low = fit(&p, 400.0, 20.0, 24.0).unwrap();
        assert!(low.size < 12.0 && low.height() <= 20.0);
        assert!(fit(&p, 10.0, 5.0, 12.0).is_err());
    }

    #[test]
    fn long_words_break() {
        let font = Font::dejavu_sans();
        let p = paragraphs(&font, "ăăăăăăăăăăăăăăăăăăăăăăăăăăăăă", Style::PLAIN).unwrap();
        let b = fit(&p, 30.0, 400.0, 12.0).unwrap();
        assert!(b.lines.len() > 1);
        assert!(b.lines.iter().all(|l| l.width * b.size / 1000.0 <= 30.0));
    }

    proptest! {
        #[test]
        fn layout_never_panics(s in ".{0,300}", w in 0.0f64..600.0, h in 0.0f64..300.0) {
            let font = Font::dejavu_sans();
            if let Ok(p) = paragraphs(&font, &s, Style::PLAIN) {
                if let Ok(b) = fit(&p, w, h, 12.0) {
                    prop_assert!(b.height() <= h + 1e-6);
                    for l in &b.lines {
                        prop_assert!(l.width * b.size / 1000.0 <= w + 1e-3);
                    }
                }
            }
        }
    }
}
