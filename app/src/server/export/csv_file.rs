//! A CSV file as a download: quoting by the `csv` crate, and cells that a spreadsheet would read
//! as a formula defused.

use axum::response::{IntoResponse, Response};

/// One cell of a row: text (defused, see [`defused`]) or a number the portal itself counted.
pub enum Cell {
    Text(String),
    Number(i64),
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<Option<i64>> for Cell {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Self::Text(String::new()), Self::Number)
    }
}

impl From<Option<String>> for Cell {
    fn from(text: Option<String>) -> Self {
        Self::Text(text.unwrap_or_default())
    }
}

/// `text` as a spreadsheet may safely open it: a cell starting with `=`, `+`, `-` or `@` (or a
/// tab or carriage return, which some spreadsheets skip before reading one of those) is a
/// formula to Excel and LibreOffice, and a project title typed as `=HYPERLINK(…)` would run in
/// the reader's spreadsheet. Such a cell gets a leading `'`, which spreadsheets show as text.
pub fn defused(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// A CSV file being written: a header row, then rows of the same width.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    pub fn new(header: &[&str]) -> Self {
        let mut file = Self {
            writer: csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new()),
        };
        file.row(header.iter().map(|h| Cell::from(*h)));
        file
    }

    pub fn row(&mut self, cells: impl IntoIterator<Item = Cell>) {
        let record: Vec<String> = cells
            .into_iter()
            .map(|cell| match cell {
                Cell::Text(text) => defused(&text).into_owned(),
                Cell::Number(n) => n.to_string(),
            })
            .collect();
        // Writing to memory fails only on a row of another width, which is a bug of the caller.
        if let Err(e) = self.writer.write_record(&record) {
            tracing::error!(error = %e, "a CSV row could not be written");
        }
    }

    /// The file's text (UTF-8).
    pub fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_else(|e| {
            tracing::error!(error = %e.error(), "a CSV file could not be finished");
            Vec::new()
        })
    }

    /// The file as a download named `name` (`requests-2026-12-05.csv`), never cached: it holds
    /// what only its reader may see. A byte-order mark first, so spreadsheets read the accents
    /// as UTF-8.
    pub fn into_download(self, name: &str) -> Response {
        let mut body = "\u{feff}".as_bytes().to_vec();
        body.extend(self.into_bytes());
        (
            [
                (
                    http::header::CONTENT_TYPE,
                    "text/csv; charset=utf-8".to_owned(),
                ),
                (
                    http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (http::header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_be_formulas_are_defused() {
        for (raw, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+33 1 23", "'+33 1 23"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("Climate model", "Climate model"),
            ("", ""),
        ] {
            assert_eq!(defused(raw), safe, "{raw}");
        }
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted_and_numbers_kept() {
        let mut file = CsvFile::new(&["Project", "GPUs"]);
        file.row([Cell::from("Vision, \"large\"\nmodels"), Cell::from(-3)]);
        file.row([Cell::from("=1+1"), Cell::from(None::<i64>)]);
        let text = String::from_utf8(file.into_bytes()).unwrap();
        assert_eq!(
            text,
            "Project,GPUs\r\n\"Vision, \"\"large\"\"\nmodels\",-3\r\n'=1+1,\r\n"
        );
    }
}
