//! A minimal, dependency-free PDF writer for text documents: payout statements now, dispute outcomes later.
//!
//! Why our own: statements are hashed and regenerated on other machines, so the same input must give the same
//! bytes everywhere — no timestamps, no random ids, no font embedding, no compression level to vary. Two
//! layers: [`Page`] + [`write_pdf`] place text and rules at given positions; [`Document`] flows a title,
//! paragraphs and tables over A4 pages, with a header repeated on every page, a table's column headings
//! repeated where it continues, right-aligned amount columns, and "page n of m" at the foot.
//! Fonts are the standard Helvetica pair in WinAnsiEncoding ([`fonts`]): characters outside it print as '?'.

mod fonts;
mod writer;

pub use fonts::{encode, text_width_mpt, win_ansi, Font};
pub use writer::{write_pdf, Page, PdfError, MAX_PAGES, PAGE_HEIGHT_MPT, PAGE_WIDTH_MPT, PRODUCER};

/// Page margins: 20 mm, in thousandths of a point.
pub const MARGIN_MPT: i64 = 56_693;
/// Width available to text between the margins.
pub const CONTENT_WIDTH_MPT: i64 = PAGE_WIDTH_MPT - 2 * MARGIN_MPT;
const HEADER_SIZE_PT: u32 = 9;
const HEADER_BAND_MPT: i64 = 24_000;
const FOOTER_SIZE_PT: u32 = 9;
const FOOTER_BAND_MPT: i64 = 24_000;
const TITLE_SIZE_PT: u32 = 16;
const TITLE_LEADING_MPT: i64 = 26_000;
const BODY_SIZE_PT: u32 = 10;
const BODY_LEADING_MPT: i64 = 14_000;
const BLOCK_GAP_MPT: i64 = 8_000;
/// Space between a table cell's text and its column edges.
const CELL_PAD_MPT: i64 = 3_000;
/// A cell wraps onto at most this many lines; the rest is cut with "…", so a row always fits on a page.
const MAX_CELL_LINES: usize = 12;
/// Thousandths of a point per point.
const MPT_PER_PT: i64 = 1_000;

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// For amounts: the digits line up (all digits have the same width in Helvetica).
    Right,
}

/// A table column: heading, width in points, alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub heading: String,
    pub width_pt: u32,
    pub align: Align,
}

/// A table: columns and rows of cell texts (a missing cell is empty, extra cells are ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Title(String),
    Paragraph(String),
    Table(Table),
    PageBreak,
}

/// A flowing document; [`Document::render`] lays it out and writes the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    title: String,
    header: Option<String>,
    blocks: Vec<Block>,
}

impl Document {
    /// A document whose `/Info` title is `title` (the title is not printed: add [`Document::title`] for that).
    pub fn new(title: &str) -> Document {
        Document {
            title: title.to_string(),
            header: None,
            blocks: Vec::new(),
        }
    }

    /// A line printed at the top of every page.
    pub fn header(&mut self, text: &str) -> &mut Self {
        self.header = Some(text.to_string());
        self
    }

    /// A heading in bold.
    pub fn title(&mut self, text: &str) -> &mut Self {
        self.blocks.push(Block::Title(text.to_string()));
        self
    }

    /// Text wrapped to the page width; runs of whitespace become one space.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.blocks.push(Block::Paragraph(text.to_string()));
        self
    }

    pub fn table(&mut self, table: Table) -> &mut Self {
        self.blocks.push(Block::Table(table));
        self
    }

    /// Continues on a new page.
    pub fn page_break(&mut self) -> &mut Self {
        self.blocks.push(Block::PageBreak);
        self
    }

    /// Lays the document out and writes the PDF bytes. Same document, same bytes.
    pub fn render(&self) -> Result<Vec<u8>, PdfError> {
        let mut l = Layout {
            pages: Vec::new(),
            y: 0,
            top: self.body_top(),
        };
        l.new_page();
        for block in &self.blocks {
            match block {
                Block::Title(t) => {
                    l.lines(Font::HelveticaBold, TITLE_SIZE_PT, TITLE_LEADING_MPT, t)
                }
                Block::Paragraph(t) => l.lines(Font::Helvetica, BODY_SIZE_PT, BODY_LEADING_MPT, t),
                Block::Table(t) => l.table(t),
                Block::PageBreak => l.new_page(),
            }
            l.y -= BLOCK_GAP_MPT;
        }
        let total = l.pages.len();
        if total > MAX_PAGES {
            return Err(PdfError::TooManyPages {
                max: MAX_PAGES,
                got: total,
            });
        }
        for (i, page) in l.pages.iter_mut().enumerate() {
            if let Some(h) = &self.header {
                let y = PAGE_HEIGHT_MPT - MARGIN_MPT - i64::from(HEADER_SIZE_PT) * MPT_PER_PT;
                page.text(MARGIN_MPT, y, Font::Helvetica, HEADER_SIZE_PT, h);
            }
            let footer = format!("page {} of {total}", i + 1);
            let x = PAGE_WIDTH_MPT
                - MARGIN_MPT
                - text_width_mpt(Font::Helvetica, FOOTER_SIZE_PT, &footer);
            page.text(x, MARGIN_MPT, Font::Helvetica, FOOTER_SIZE_PT, &footer);
        }
        write_pdf(&self.title, &l.pages)
    }

    fn body_top(&self) -> i64 {
        let header = if self.header.is_some() {
            HEADER_BAND_MPT
        } else {
            0
        };
        PAGE_HEIGHT_MPT - MARGIN_MPT - header
    }
}

/// The flowing cursor: `y` is the top of the next line on the last page.
struct Layout {
    pages: Vec<Page>,
    y: i64,
    top: i64,
}

impl Layout {
    fn new_page(&mut self) {
        self.pages.push(Page::new());
        self.y = self.top;
    }

    /// Starts a new page unless `height` still fits above the footer band. Returns whether it did.
    fn make_room(&mut self, height: i64) -> bool {
        if self.y - height < MARGIN_MPT + FOOTER_BAND_MPT && self.y < self.top {
            self.new_page();
            return true;
        }
        false
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn lines(&mut self, font: Font, size: u32, leading: i64, text: &str) {
        for line in wrap(font, size, text, CONTENT_WIDTH_MPT) {
            self.make_room(leading);
            let baseline = self.y - i64::from(size) * MPT_PER_PT;
            self.page().text(MARGIN_MPT, baseline, font, size, &line);
            self.y -= leading;
        }
    }

    fn table(&mut self, t: &Table) {
        let mut lefts = Vec::with_capacity(t.columns.len());
        let mut x = MARGIN_MPT;
        for c in &t.columns {
            lefts.push(x);
            x += i64::from(c.width_pt) * MPT_PER_PT;
        }
        let right_edge = x;
        let headings: Vec<String> = t.columns.iter().map(|c| c.heading.clone()).collect();
        self.make_room(2 * BODY_LEADING_MPT);
        self.row(t, &lefts, &headings, Font::HelveticaBold);
        let rule_y = self.y + BODY_LEADING_MPT / 8;
        self.page().rule(MARGIN_MPT, right_edge, rule_y);
        for cells in &t.rows {
            let height = self.row_height(t, cells);
            if self.make_room(height) {
                self.row(t, &lefts, &headings, Font::HelveticaBold);
                let rule_y = self.y + BODY_LEADING_MPT / 8;
                self.page().rule(MARGIN_MPT, right_edge, rule_y);
            }
            self.row(t, &lefts, cells, Font::Helvetica);
        }
    }

    fn cell_lines(t: &Table, col: usize, cells: &[String], font: Font) -> Vec<String> {
        let inner = i64::from(t.columns[col].width_pt) * MPT_PER_PT - 2 * CELL_PAD_MPT;
        let mut lines = wrap(
            font,
            BODY_SIZE_PT,
            cells.get(col).map_or("", String::as_str),
            inner,
        );
        if lines.len() > MAX_CELL_LINES {
            lines.truncate(MAX_CELL_LINES);
            if let Some(last) = lines.last_mut() {
                last.push('…');
            }
        }
        lines
    }

    fn row_height(&self, t: &Table, cells: &[String]) -> i64 {
        let most = (0..t.columns.len())
            .map(|c| Self::cell_lines(t, c, cells, Font::Helvetica).len())
            .max();
        most.unwrap_or(1).max(1) as i64 * BODY_LEADING_MPT
    }

    fn row(&mut self, t: &Table, lefts: &[i64], cells: &[String], font: Font) {
        let mut tallest = 1;
        for (c, col) in t.columns.iter().enumerate() {
            let lines = Self::cell_lines(t, c, cells, font);
            tallest = tallest.max(lines.len());
            let right = lefts[c] + i64::from(col.width_pt) * MPT_PER_PT - CELL_PAD_MPT;
            for (k, line) in lines.iter().enumerate() {
                let baseline =
                    self.y - k as i64 * BODY_LEADING_MPT - i64::from(BODY_SIZE_PT) * MPT_PER_PT;
                let x = match col.align {
                    Align::Left => lefts[c] + CELL_PAD_MPT,
                    Align::Right => right - text_width_mpt(font, BODY_SIZE_PT, line),
                };
                self.page().text(x, baseline, font, BODY_SIZE_PT, line);
            }
        }
        self.y -= tallest as i64 * BODY_LEADING_MPT;
    }
}

/// Greedy word wrap to `width_mpt`; a word wider than the line is split between characters. Never empty.
fn wrap(font: Font, size: u32, text: &str, width_mpt: i64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width_mpt(font, size, &candidate) <= width_mpt {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for ch in word.chars() {
            let mut next = line.clone();
            next.push(ch);
            if !line.is_empty() && text_width_mpt(font, size, &next) > width_mpt {
                lines.push(std::mem::replace(&mut line, ch.to_string()));
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests;
