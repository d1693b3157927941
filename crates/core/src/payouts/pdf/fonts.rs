//! The two standard PDF fonts used (Helvetica, Helvetica-Bold) with WinAnsiEncoding: the character mapping
//! and the glyph widths needed to wrap and right-align text.
//!
//! Why standard fonts: every PDF reader has them, so nothing is embedded and the output stays small and
//! byte-stable. The price: only the WinAnsi (Windows-1252) repertoire prints; any other character is written as
//! '?', visibly, rather than dropped. Widths are Adobe's published AFM metrics for the two fonts.

/// A font of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Font {
    Helvetica,
    HelveticaBold,
}

impl Font {
    /// The name in the page resources.
    pub(super) fn resource(self) -> &'static str {
        match self {
            Font::Helvetica => "F1",
            Font::HelveticaBold => "F2",
        }
    }

    /// The PostScript name of the standard font.
    pub(super) fn base_font(self) -> &'static str {
        match self {
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
        }
    }
}

/// The first code with a glyph in the width tables.
const FIRST_CODE: u8 = 32;
/// What an unmappable character becomes.
pub const REPLACEMENT: u8 = b'?';

/// WinAnsiEncoding code points 0x80..=0x9F that differ from Latin-1 (undefined codes left out).
#[rustfmt::skip]
const WIN_ANSI_HIGH: [(char, u8); 27] = [
    ('€', 0x80), ('‚', 0x82), ('ƒ', 0x83), ('„', 0x84), ('…', 0x85), ('†', 0x86), ('‡', 0x87), ('ˆ', 0x88),
    ('‰', 0x89), ('Š', 0x8A), ('‹', 0x8B), ('Œ', 0x8C), ('Ž', 0x8E), ('‘', 0x91), ('’', 0x92), ('“', 0x93),
    ('”', 0x94), ('•', 0x95), ('–', 0x96), ('—', 0x97), ('˜', 0x98), ('™', 0x99), ('š', 0x9A), ('›', 0x9B),
    ('œ', 0x9C), ('ž', 0x9E), ('Ÿ', 0x9F),
];

/// The WinAnsiEncoding byte of `c`, or [`REPLACEMENT`].
pub fn win_ansi(c: char) -> u8 {
    match u32::from(c) {
        0x20..=0x7E | 0xA0..=0xFF => c as u8,
        _ => WIN_ANSI_HIGH
            .iter()
            .find(|(ch, _)| *ch == c)
            .map_or(REPLACEMENT, |(_, b)| *b),
    }
}

/// `text` as WinAnsiEncoding bytes, one per character.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi).collect()
}

/// Advance width of one encoded byte, in 1/1000 em.
fn glyph_width(font: Font, code: u8) -> u16 {
    let table = match font {
        Font::Helvetica => &HELVETICA,
        Font::HelveticaBold => &HELVETICA_BOLD,
    };
    let code = if code < FIRST_CODE { REPLACEMENT } else { code };
    table
        .get(usize::from(code - FIRST_CODE))
        .copied()
        .unwrap_or(0)
}

/// Width of `text` set in `font` at `size_pt`, in thousandths of a point (exact: widths are integers per em).
pub fn text_width_mpt(font: Font, size_pt: u32, text: &str) -> i64 {
    let units: i64 = encode(text)
        .iter()
        .map(|&b| i64::from(glyph_width(font, b)))
        .sum();
    units * i64::from(size_pt)
}

/// Helvetica advance widths (1/1000 em) of WinAnsiEncoding codes 32..=255.
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    350, 556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, 350,
    222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667, 278, 333, 556,
    556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 556,
    537, 278, 333, 333, 365, 556, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722, 667,
    667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278,
    278, 556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];
/// Helvetica-Bold advance widths (1/1000 em) of WinAnsiEncoding codes 32..=255.
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    350, 556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, 350,
    278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667, 278, 333, 556,
    556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 611,
    556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722, 667,
    667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278,
    278, 611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping() {
        assert_eq!(
            encode("Zoë €5 – “ok”"),
            [b'Z', b'o', 0xEB, b' ', 0x80, b'5', b' ', 0x96, b' ', 0x93, b'o', b'k', 0x94]
        );
        assert_eq!(encode("Иван\t✓"), b"??????".to_vec());
    }

    #[test]
    fn widths_are_the_afm_metrics() {
        // Digits are 556 in both fonts, which is what makes right-aligned amounts line up.
        assert_eq!(text_width_mpt(Font::Helvetica, 10, "0123456789"), 55_600);
        assert_eq!(
            text_width_mpt(Font::HelveticaBold, 10, "0123456789"),
            55_600
        );
        assert_eq!(text_width_mpt(Font::Helvetica, 1, "W i"), 944 + 278 + 222);
        assert_eq!(
            text_width_mpt(Font::HelveticaBold, 1, "W i"),
            944 + 278 + 278
        );
        assert_eq!(text_width_mpt(Font::Helvetica, 1, "ë€"), 556 + 556);
    }
}
