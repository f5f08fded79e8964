//! The prefilled confirmation document: one A4 page, bilingual (Romanian, then English),
//! stating the holder data of the certificate in the embedded DejaVu Sans (every Romanian
//! letter, extractable exactly), with the same data as private data on the page
//! ([`crate::PRIVATE_DATA_APPLICATION`]) and two empty signature fields: the holder's
//! ([`HOLDER_FIELD`]) and the provider's ([`COUNTERSIGNATURE_FIELD`]).

use chrono::{DateTime, Utc};
use qes_cert::Certificate;
use qes_pades::{FormDocument, Rect};

use crate::holder::{HolderData, PRIVATE_DATA_APPLICATION};
use crate::Error;

/// The holder's signature field.
pub const HOLDER_FIELD: &str = "holder";
/// The provider's countersignature field.
pub const COUNTERSIGNATURE_FIELD: &str = "countersignature";

/// Left margin and the column where values start, in points.
const MARGIN: f64 = 56.0;
const VALUE_X: f64 = 230.0;
/// Right edge of the text area (A4 is 595 pt wide).
const RIGHT: f64 = 539.0;
/// Value text size, and the smallest it is shrunk to before wrapping.
const VALUE_SIZE: f64 = 11.0;
const MIN_VALUE_SIZE: f64 = 8.0;

/// A prefilled confirmation document.
#[derive(Clone)]
pub struct Prefilled {
    /// `firstname_lastname.pdf` (see [`HolderData::file_name`]).
    pub file_name: String,
    /// The PDF.
    pub pdf: Vec<u8>,
    /// What it states.
    pub holder: HolderData,
}

impl std::fmt::Debug for Prefilled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefilled")
            .field("len", &self.pdf.len())
            .field("holder", &self.holder)
            .finish_non_exhaustive()
    }
}

/// Prefill the confirmation document for `cert`, dated `at` (the generation date it
/// shows). The same certificate and date give the same bytes.
///
/// # Errors
/// As [`HolderData::from_certificate`]; [`Error::Pdf`] when a value has a character the
/// embedded font cannot show.
pub fn prefill(cert: &Certificate, at: DateTime<Utc>) -> Result<Prefilled, Error> {
    let holder = HolderData::from_certificate(cert)?;
    let date = |t: DateTime<Utc>| t.format("%d.%m.%Y %H:%M:%S UTC").to_string();
    let mut doc = FormDocument::a4(at)
        .with_title(format!(
            "Confirmare date certificat calificat — {}",
            holder.full_name()
        ))
        .with_language("ro-RO")
        .text(MARGIN, 770.0, 16.0, "Document de confirmare")
        .text(
            MARGIN,
            750.0,
            11.0,
            "a datelor din certificatul calificat / Confirmation of qualified certificate data",
        );
    let identifier_label = if holder.identifier_is_cnp {
        ("CNP", "Personal numeric code")
    } else {
        ("Identificator", "Identifier")
    };
    let rows = [
        (("Nume", "Surname"), holder.surname.clone()),
        (("Prenume", "Given name"), holder.given_name.clone()),
        (identifier_label, holder.identifier.clone()),
        (
            ("E-mail", "E-mail"),
            holder.email.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            ("Seria certificatului", "Certificate serial number"),
            holder.serial.clone(),
        ),
        (
            ("Emitentul certificatului", "Certificate issuer"),
            holder.issuer.clone(),
        ),
        (("Valabil de la", "Valid from"), date(holder.not_before)),
        (("Valabil până la", "Valid until"), date(holder.not_after)),
    ];
    let mut y = 700.0;
    for ((ro, en), value) in rows {
        doc = doc
            .text(MARGIN, y, 10.0, ro)
            .text(MARGIN, y - 11.0, 7.5, en);
        let (size, lines) = fit(&doc, &value)?;
        for (i, line) in lines.iter().enumerate() {
            let offset = f64::from(u16::try_from(i).unwrap_or(u16::MAX)) * size * 1.2;
            doc = doc.text(VALUE_X, y - offset, size, line.clone());
        }
        let extra = f64::from(u16::try_from(lines.len().saturating_sub(1)).unwrap_or(0));
        y -= 32.0 + extra * size * 1.2;
    }
    y -= 8.0;
    for (size, line) in [
        (
            10.0,
            "Subsemnatul/subsemnata, titular al certificatului de mai sus, confirm că datele",
        ),
        (10.0, "sunt corecte și complete."),
        (
            8.0,
            "I, the holder of the certificate above, confirm that these data are correct and complete.",
        ),
    ] {
        doc = doc.text(MARGIN, y, size, line);
        y -= size * 1.5;
    }
    doc = doc.text(
        MARGIN,
        y - 6.0,
        8.0,
        format!("Generat la / Generated on: {}", date(at)),
    );
    let field_y = 120.0;
    let (w, h) = (230.0, 90.0);
    doc = doc
        .text(MARGIN, field_y + h + 18.0, 10.0, "Semnătura titularului")
        .text(MARGIN, field_y + h + 7.0, 7.5, "Holder's signature")
        .text(
            RIGHT - w,
            field_y + h + 18.0,
            10.0,
            "Contrasemnătura furnizorului",
        )
        .text(
            RIGHT - w,
            field_y + h + 7.0,
            7.5,
            "Provider's countersignature",
        )
        .signature_field(HOLDER_FIELD, Rect::new(MARGIN, field_y, w, h))
        .signature_field(COUNTERSIGNATURE_FIELD, Rect::new(RIGHT - w, field_y, w, h))
        .private_data(PRIVATE_DATA_APPLICATION, holder.entries());
    let pdf = doc.to_pdf()?;
    Ok(Prefilled {
        file_name: holder.file_name(),
        pdf,
        holder,
    })
}

/// The size and lines `value` is set in: shrunk down to [`MIN_VALUE_SIZE`] to fit the
/// value column, then wrapped after `, ` (distinguished names) or spaces.
fn fit(doc: &FormDocument, value: &str) -> Result<(f64, Vec<String>), Error> {
    let width = RIGHT - VALUE_X;
    let mut size = VALUE_SIZE;
    while size > MIN_VALUE_SIZE && doc.text_width(value, size)? > width {
        size -= 0.5;
    }
    if doc.text_width(value, size)? <= width {
        return Ok((size, vec![value.to_string()]));
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in value.split_inclusive(' ') {
        let candidate = format!("{line}{word}");
        if !line.is_empty() && doc.text_width(candidate.trim_end(), size)? > width {
            lines.push(line.trim_end().to_string());
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    Ok((size, lines))
}
