//! Search: text as search and name comparison see it (lower case and without accents, the same
//! in Rust and in the SQL of both databases), and the header's search box (`find`), one section
//! per kind of thing found.

mod find;
mod repo;

pub use find::{find, Searcher};

/// Accented letters and the letter people type for them: "ile" finds "Île-de-France",
/// "energie" finds "Énergie". Lower case; [`folded`] adds the capitals, which SQLite's `LOWER`
/// leaves as they are (it folds ASCII only).
const ACCENTS: [(&str, char); 8] = [
    ("àáâäãå", 'a'),
    ("ç", 'c'),
    ("èéêë", 'e'),
    ("ìíîï", 'i'),
    ("ñ", 'n'),
    ("òóôöõ", 'o'),
    ("ùúûü", 'u'),
    ("ýÿ", 'y'),
];

/// A letter as search compares it: lower case, without its accent.
pub fn fold_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    ACCENTS
        .iter()
        .find(|(accented, _)| accented.contains(lower))
        .map_or(lower, |&(_, plain)| plain)
}

/// `column` as search compares it, in SQL: the same folding as [`fold_char`]. PostgreSQL's
/// `LOWER` knows every capital, and `translate` does the rest in one call; SQLite has neither,
/// so each accented letter, small and capital, gets its `REPLACE`.
pub fn folded(column: &str, postgres: bool) -> String {
    let pairs: Vec<(char, char)> = ACCENTS
        .iter()
        .flat_map(|&(accented, plain)| {
            accented.chars().flat_map(move |a| {
                let capital = a.to_uppercase().next().filter(|&u| u != a);
                std::iter::once((a, plain)).chain(capital.map(|u| (u, plain)))
            })
        })
        .collect();
    if postgres {
        let from: String = pairs.iter().map(|p| p.0).collect();
        let to: String = pairs.iter().map(|p| p.1).collect();
        format!("translate(LOWER({column}), '{from}', '{to}')")
    } else {
        pairs
            .iter()
            .fold(format!("LOWER({column})"), |sql, (a, plain)| {
                format!("REPLACE({sql}, '{a}', '{plain}')")
            })
    }
}

/// Whether `conn` is PostgreSQL's: [`folded`] writes a different SQL for each database.
pub fn is_postgres(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// `text` folded letter by letter ([`fold_char`]).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// `%words%` folded for search ([`search::fold`]), with LIKE's own characters escaped (by `\\`).
pub fn like_pattern(words: &str) -> String {
    let mut out = String::from("%");
    for c in fold(words.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::{fold, fold_char, folded, ACCENTS};

    #[test]
    fn search_folds_case_and_accents_alike_in_rust_and_in_sql() {
        assert_eq!(fold("Île Énergie"), "ile energie");
        assert_eq!(fold("ile ENERGIE"), "ile energie");
        // Every accented letter, small and capital, is folded by the SQL of both databases.
        let (sqlite, postgres) = (folded("x", false), folded("x", true));
        for (accented, plain) in ACCENTS {
            for small in accented.chars() {
                let capital = small.to_uppercase().next().unwrap();
                for letter in [small, capital] {
                    assert_eq!(fold_char(letter), plain, "{letter}");
                    assert!(
                        sqlite.contains(&format!("'{letter}', '{plain}'")),
                        "SQLite: {letter}"
                    );
                    assert!(postgres.contains(letter), "PostgreSQL: {letter}");
                }
            }
        }
    }
}
