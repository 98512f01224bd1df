//! Unit tests of the request queries' text.

use super::{
    list::{like_pattern, COLUMNS},
    SELECT,
};

/// A list's JSON objects are keyed by `COLUMNS`: they must be `SELECT`'s output columns, in
/// order, or a column added to one would come back empty (or missing) in lists only.
#[test]
fn list_keys_are_the_select_columns() {
    let columns = SELECT
        .strip_prefix("SELECT ")
        .and_then(|s| s.split(" FROM ").next())
        .expect("SELECT ... FROM");
    let names: Vec<&str> = columns
        .split(',')
        .map(|c| {
            let c = c.trim();
            c.rsplit(" AS ")
                .next()
                .and_then(|c| c.rsplit('.').next())
                .unwrap_or(c)
        })
        .collect();
    assert_eq!(names, COLUMNS);
}

#[test]
fn like_patterns_fold_accents_and_escape_like_characters() {
    assert_eq!(like_pattern("Île Énergie"), "%ile energie%");
    assert_eq!(like_pattern(" 50%_A\\b "), "%50\\%\\_a\\\\b%");
}
