//! The visible-signature options of `qes sign pdf`: `--visible page,x,y,w,h`, `--text`,
//! `--image`, `--font`, `--oug140 attestation,authority`, parsed into a
//! `qes_pades::Appearance` and placement, with usage errors for bad values.

use std::path::PathBuf;

use qes_pades::{Appearance, Font, Image, PadesSigner, Rect};

use crate::error::CliError;
use crate::files;

/// Arguments that make the signature visible.
#[derive(Debug, Default, clap::Args)]
pub struct VisibleArgs {
    /// Make the signature visible on page PAGE (from 1) in the rectangle X,Y,W,H — points
    /// from the lower-left corner of the page as displayed (crop box, after rotation).
    #[arg(long, value_name = "PAGE,X,Y,W,H", value_parser = parse_visible)]
    pub visible: Option<(usize, Rect)>,
    /// The appearance text instead of the default (signer, date, reason); `\n` starts a
    /// line; {name}, {date}, {reason}, {location} are filled in.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// A PNG or JPEG image shown left of the text.
    #[arg(long, value_name = "FILE")]
    pub image: Option<PathBuf>,
    /// A TrueType font (.ttf) for the text instead of the bundled DejaVu Sans.
    #[arg(long, value_name = "FILE.ttf")]
    pub font: Option<PathBuf>,
    /// The OUG 140/2020 specialist stamp: the professional attestation number and the
    /// authority that issued it (everything after the first comma).
    #[arg(long, value_name = "ATTESTATION,AUTHORITY", value_parser = parse_oug140)]
    pub oug140: Option<(String, String)>,
}

impl VisibleArgs {
    /// Whether any appearance option was given.
    fn has_appearance(&self) -> bool {
        self.text.is_some() || self.image.is_some() || self.font.is_some() || self.oug140.is_some()
    }

    /// Apply the options to `builder`; `field` is the `--field` name.
    pub fn apply<'s>(
        &self,
        mut builder: PadesSigner<'s>,
        field: Option<&str>,
    ) -> Result<PadesSigner<'s>, CliError> {
        if self.visible.is_none() && !self.has_appearance() {
            return Ok(builder);
        }
        if self.visible.is_none() && field.is_none() {
            return Err(CliError::Usage(
                "--text, --image, --font and --oug140 need --visible PAGE,X,Y,W,H (or --field \
                 naming an existing empty signature field with a rectangle)"
                    .into(),
            ));
        }
        let mut appearance = match &self.oug140 {
            Some((attestation, authority)) => Appearance::oug140(attestation, authority),
            None => Appearance::new(),
        };
        if let Some(text) = &self.text {
            appearance = appearance.with_text(text.replace("\\n", "\n"));
        }
        if let Some(path) = &self.font {
            let bytes = files::read(path)?;
            let font = Font::from_ttf(&bytes)
                .map_err(|e| CliError::Usage(format!("--font {}: {e}", path.display())))?;
            appearance = appearance.with_font(font);
        }
        if let Some(path) = &self.image {
            let bytes = files::read(path)?;
            let image = Image::from_bytes(&bytes)
                .map_err(|e| CliError::Usage(format!("--image {}: {e}", path.display())))?;
            appearance = appearance.with_image(image);
        }
        if let Some((page, rect)) = self.visible {
            builder = builder.with_visible(page, rect);
        }
        Ok(builder.with_appearance(appearance))
    }
}

/// Signing errors that are the user's choice of values, not the document's fault.
pub fn usage_error(e: &qes_pades::Error) -> Option<CliError> {
    use qes_pades::Error as E;
    match e {
        E::PageOutOfRange { .. }
        | E::RectOutsidePage { .. }
        | E::Appearance(_)
        | E::MissingGlyph(_) => Some(CliError::Usage(format!("--visible/--text: {e}"))),
        _ => None,
    }
}

fn parse_visible(s: &str) -> Result<(usize, Rect), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [page, x, y, w, h] = parts.as_slice() else {
        return Err(format!(
            "{s:?}: expected PAGE,X,Y,W,H (five comma-separated numbers)"
        ));
    };
    let page: usize = page
        .parse()
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| format!("page {page:?} is not a page number (from 1)"))?;
    let number = |name: &str, v: &str| -> Result<f64, String> {
        v.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("{name} {v:?} is not a number"))
    };
    let (x, y, w, h) = (
        number("X", x)?,
        number("Y", y)?,
        number("W", w)?,
        number("H", h)?,
    );
    if x < 0.0 || y < 0.0 {
        return Err(format!("X and Y must not be negative (got {x}, {y})"));
    }
    if w <= 0.0 || h <= 0.0 {
        return Err(format!("W and H must be positive (got {w}, {h})"));
    }
    Ok((page, Rect::new(x, y, w, h)))
}

fn parse_oug140(s: &str) -> Result<(String, String), String> {
    match s.split_once(',') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err(format!(
            "{s:?}: expected ATTESTATION,AUTHORITY (both non-empty)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_values() {
        assert_eq!(
            parse_visible("1, 10,20.5,200,50").unwrap(),
            (1, Rect::new(10.0, 20.5, 200.0, 50.0))
        );
        for bad in [
            "",
            "1,2,3,4",
            "0,1,1,1,1",
            "x,1,1,1,1",
            "1,1,1,0,1",
            "1,-1,1,1,1",
            "1,1,1,1,inf",
            "1,1,1,1,1,1",
        ] {
            assert!(parse_visible(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_oug140("AT-12, Ordinul Arhitecților, filiala Cluj").unwrap(),
            ("AT-12".into(), "Ordinul Arhitecților, filiala Cluj".into())
        );
        assert!(parse_oug140("AT-12").is_err());
        assert!(parse_oug140(",MDLPA").is_err());
    }
}
