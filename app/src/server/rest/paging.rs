//! Cursor paging of `/api/v1` lists: `?limit=` (1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] unless
//! given) and `?cursor=` (opaque: the `next_cursor` of the previous page). A cursor is the
//! position after the last row sent, base64url-encoded; v1 promises only that a cursor from a
//! page's answer fetches the next page of the same query.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;

/// Paging parameters of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Rows per page, 1 to 100 (50 unless given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Where a page starts and how long it is, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub offset: i64,
    pub limit: i64,
}

impl PageParams {
    /// The window asked for; a bad limit or cursor is a problem naming its parameter.
    pub fn window(&self) -> Result<Window, AppError> {
        let limit = limit(self.limit)?;
        let offset = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(cursor) => decode(cursor).ok_or_else(|| {
                AppError::validation(
                    "cursor",
                    "This cursor is not one this API gave; start again without it.",
                )
            })?,
        };
        Ok(Window { offset, limit })
    }
}

/// The rows per page asked for (`?limit=`): 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] unless given.
pub fn limit(asked: Option<u32>) -> Result<i64, AppError> {
    let limit = asked.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::validation(
            "limit",
            format!("A page holds 1 to {MAX_LIMIT} rows."),
        ));
    }
    Ok(i64::from(limit))
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page of `items` read at `window`, `more` saying whether rows follow.
    pub fn new(items: Vec<T>, window: Window, more: bool) -> Self {
        Self {
            items,
            next_cursor: more.then(|| encode(window.offset + window.limit)),
        }
    }

    /// The page of `items` read at `window` with one row more than asked for: that extra row
    /// only says a next page exists.
    pub fn from_overfetch(mut items: Vec<T>, window: Window) -> Self {
        let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = more.then(|| encode(window.offset + window.limit));
        Self { items, next_cursor }
    }
}

const TAG: &str = "o1:";

fn encode(offset: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{TAG}{offset}"))
}

fn decode(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let offset: i64 = text.strip_prefix(TAG)?.parse().ok()?;
    (0..=10_000_000).contains(&offset).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(limit: Option<u32>, cursor: Option<&str>) -> PageParams {
        PageParams {
            limit,
            cursor: cursor.map(str::to_owned),
        }
    }

    #[test]
    fn a_cursor_given_by_a_page_fetches_the_next_one() {
        let first = params(Some(2), None).window().unwrap();
        assert_eq!(
            first,
            Window {
                offset: 0,
                limit: 2
            }
        );
        let page = Page::from_overfetch(vec![1, 2, 3], first);
        assert_eq!(page.items, [1, 2]);
        let next = params(Some(2), page.next_cursor.as_deref())
            .window()
            .unwrap();
        assert_eq!(
            next,
            Window {
                offset: 2,
                limit: 2
            }
        );
        let last = Page::from_overfetch(vec![3], next);
        assert!(last.next_cursor.is_none());
    }

    #[test]
    fn a_limit_out_of_bounds_or_a_forged_cursor_is_refused_by_name() {
        for limit in [0, 101] {
            let e = params(Some(limit), None).window().unwrap_err();
            assert!(e.field_message("limit").is_some());
        }
        let negative = URL_SAFE_NO_PAD.encode("o1:-5");
        let other = URL_SAFE_NO_PAD.encode("x:5");
        for cursor in ["abc", "!!", negative.as_str(), other.as_str()] {
            let e = params(None, Some(cursor)).window().unwrap_err();
            assert!(e.field_message("cursor").is_some(), "{cursor}");
        }
        assert_eq!(params(None, None).window().unwrap().limit, 50);
    }
}
