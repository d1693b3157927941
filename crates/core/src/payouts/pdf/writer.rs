//! The PDF file itself: pages of positioned text and rules, serialised as PDF 1.4 with a correct xref table.
//!
//! Why hand-written: a statement PDF is hashed and must regenerate byte for byte on another machine, so the
//! writer owns every byte: fixed object numbering, uncompressed ASCII content streams, numbers printed from
//! integers (thousandths of a point, no floats), an `/Info` with a fixed producer and no dates, no `/ID`.

use super::fonts::{encode, Font};

/// A4 in thousandths of a point (210 × 297 mm).
pub const PAGE_WIDTH_MPT: i64 = 595_276;
pub const PAGE_HEIGHT_MPT: i64 = 841_890;
/// Written in `/Info` as `/Producer`.
pub const PRODUCER: &str = "Affops";
/// Pages in one document: a statement of thousands of lines stays far below it.
pub const MAX_PAGES: usize = 10_000;
/// Line width of rules, in thousandths of a point.
const RULE_WIDTH_MPT: i64 = 500;
/// Objects before the pages: catalog, page tree, two fonts, info.
const FIXED_OBJECTS: usize = 5;
const CATALOG: usize = 1;
const PAGES: usize = 2;
const FONT_REGULAR: usize = 3;
const FONT_BOLD: usize = 4;
const INFO: usize = 5;

/// Why no PDF was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("The document would have {got} pages, more than the {max} allowed; split it into several documents.")]
    TooManyPages { max: usize, got: usize },
}

/// One page being drawn. Coordinates are thousandths of a point from the bottom-left corner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    ops: String,
}

impl Page {
    pub fn new() -> Page {
        Page::default()
    }

    /// Draws `text` with its baseline starting at (`x_mpt`, `y_mpt`).
    pub fn text(&mut self, x_mpt: i64, y_mpt: i64, font: Font, size_pt: u32, text: &str) {
        self.ops.push_str(&format!(
            "BT /{} {size_pt} Tf {} {} Td ({}) Tj ET\n",
            font.resource(),
            num(x_mpt),
            num(y_mpt),
            pdf_string(text)
        ));
    }

    /// Draws a thin horizontal rule from `x1_mpt` to `x2_mpt` at height `y_mpt`.
    pub fn rule(&mut self, x1_mpt: i64, x2_mpt: i64, y_mpt: i64) {
        let y = num(y_mpt);
        self.ops.push_str(&format!(
            "{} w {} {y} m {} {y} l S\n",
            num(RULE_WIDTH_MPT),
            num(x1_mpt),
            num(x2_mpt)
        ));
    }
}

/// Serialises pages into a PDF file. `title` goes into `/Info` (as UTF-16, so any character survives there).
/// More than [`MAX_PAGES`] pages are refused; an empty list gives one blank page (a PDF needs one).
pub fn write_pdf(title: &str, pages: &[Page]) -> Result<Vec<u8>, PdfError> {
    if pages.len() > MAX_PAGES {
        return Err(PdfError::TooManyPages {
            max: MAX_PAGES,
            got: pages.len(),
        });
    }
    let blank = [Page::new()];
    let pages = if pages.is_empty() { &blank[..] } else { pages };
    let page_obj = |i: usize| FIXED_OBJECTS + 1 + 2 * i;
    let mut objects: Vec<Vec<u8>> = Vec::with_capacity(FIXED_OBJECTS + 2 * pages.len());
    objects.push(format!("<< /Type /Catalog /Pages {PAGES} 0 R >>").into_bytes());
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", page_obj(i)))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    for font in [Font::Helvetica, Font::HelveticaBold] {
        let base = font.base_font();
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    objects.push(format!("<< /Title {} /Producer ({PRODUCER}) >>", utf16_hex(title)).into_bytes());
    for (i, page) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 {FONT_REGULAR} 0 R \
                 /F2 {FONT_BOLD} 0 R >> >> /Contents {} 0 R >>",
                num(PAGE_WIDTH_MPT),
                num(PAGE_HEIGHT_MPT),
                page_obj(i) + 1
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", page.ops.len()).into_bytes();
        stream.extend_from_slice(page.ops.as_bytes());
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }

    // A binary comment after the header tells transfer tools the file is binary (PDF 1.4, 7.5.2).
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, space + LF.
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    Ok(out)
}

/// Thousandths of a point as a PDF number: "56.693", "10", "-0.5".
fn num(mpt: i64) -> String {
    let sign = if mpt < 0 { "-" } else { "" };
    let (int, frac) = (mpt.unsigned_abs() / 1000, mpt.unsigned_abs() % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

/// A PDF literal string in WinAnsiEncoding, kept ASCII: `( ) \` escaped, other bytes outside 0x20..0x7E octal.
fn pdf_string(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    for b in encode(text) {
        match b {
            b'(' | b')' | b'\\' => {
                s.push('\\');
                s.push(char::from(b));
            }
            0x20..=0x7E => s.push(char::from(b)),
            _ => s.push_str(&format!("\\{b:03o}")),
        }
    }
    s
}

/// A text string for `/Info`: UTF-16BE with a byte-order mark, as hex.
fn utf16_hex(text: &str) -> String {
    let mut s = String::from("<FEFF");
    for unit in text.encode_utf16() {
        s.push_str(&format!("{unit:04X}"));
    }
    s.push('>');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings() {
        assert_eq!(num(56_693), "56.693");
        assert_eq!(num(10_000), "10");
        assert_eq!(num(500), "0.5");
        assert_eq!(num(-1_250), "-1.25");
        assert_eq!(num(0), "0");
        assert_eq!(pdf_string(r"a(b)\c Zoë €"), r"a\(b\)\\c Zo\353 \200");
        assert_eq!(utf16_hex("Zoë"), "<FEFF005A006F00EB>");
    }

    #[test]
    fn empty_document_is_one_blank_page() {
        let pdf = write_pdf("x", &[]).unwrap_or_default();
        assert!(String::from_utf8_lossy(&pdf).contains("/Count 1"));
        let too_many = vec![Page::new(); MAX_PAGES + 1];
        let err = write_pdf("x", &too_many);
        assert_eq!(
            err,
            Err(PdfError::TooManyPages {
                max: MAX_PAGES,
                got: MAX_PAGES + 1
            })
        );
    }
}
