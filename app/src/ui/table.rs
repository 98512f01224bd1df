//! List tables that sort, filter and page through their URL: a column header
//! links to the same page sorted by that column, the filter form is a GET form
//! and the pager links to the next page. All of it works before the wasm has
//! loaded, survives a reload and can be shared as a link; once hydrated, the
//! router follows those links without reloading the page.

use crate::domain::format::fill;
use crate::i18n::td_string;
use crate::i18n::{t_string, use_i18n};
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_location, use_query_map},
    params::ParamsMap,
};

/// The page's query without empty values, with `changes` applied (`None` removes a key), as
/// `path?query`.
fn link_with(path: &str, query: &[(String, String)], changes: &[(&str, Option<String>)]) -> String {
    let kept = query
        .iter()
        .filter(|(k, v)| !v.is_empty() && !changes.iter().any(|(c, _)| c == k))
        .map(|(k, v)| (k.as_str(), v.as_str()));
    let added = changes
        .iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)));
    let pairs: Vec<String> = kept
        .chain(added)
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect();
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The current query's latest values, as pairs.
fn pairs(query: &ParamsMap) -> Vec<(String, String)> {
    query
        .latest_values()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A column header that sorts the list by `column`: the first click sorts ascending (or
/// descending when `descending_first`, as for numbers and dates people scan from the top), the
/// next click reverses it. `aria-sort` tells assistive technology the current order. A list
/// without `sort` in its URL is sorted by `default_column`, newest first.
#[component]
pub fn SortHeader(
    column: &'static str,
    label: &'static str,
    #[prop(default = "id")] default_column: &'static str,
    #[prop(default = false)] descending_first: bool,
    #[prop(default = false)] numeric: bool,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    // (sorted by this column, descending)
    let state = move || {
        let q = query.read();
        let sort = q.get_str("sort").unwrap_or(default_column);
        let active = sort == column;
        let descending = match q.get_str("dir") {
            Some("asc") => false,
            Some("desc") => true,
            _ => sort == "id",
        };
        (active, descending)
    };
    let href = move || {
        let (active, descending) = state();
        let next_descending = if active {
            !descending
        } else {
            descending_first
        };
        let dir = if next_descending { "desc" } else { "asc" };
        link_with(
            &location.pathname.get(),
            &pairs(&query.read()),
            &[
                ("sort", Some(column.to_string())),
                ("dir", Some(dir.to_string())),
                ("page", None),
            ],
        )
    };
    let aria = move || match state() {
        (true, true) => "descending",
        (true, false) => "ascending",
        _ => "none",
    };
    let arrow = move || match state() {
        (true, true) => " ▼",
        (true, false) => " ▲",
        _ => "",
    };
    view! {
        <th scope="col" aria-sort=aria class:num=numeric>
            <A href=href attr:class="sort-link">{label}<span aria-hidden="true">{arrow}</span></A>
        </th>
    }
}

/// "Previous" and "Next" links for a list shown a page at a time.
#[component]
pub fn Pager(page: u32, has_more: bool) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let to = move |n: u32| {
        let value = (n > 0).then(|| n.to_string());
        link_with(
            &location.pathname.get(),
            &pairs(&query.read()),
            &[("page", value)],
        )
    };
    let i18n = use_i18n();
    (page > 0 || has_more).then(|| {
        view! {
            <nav class="pager" aria-label=tr(i18n, |l| td_string!(l, common.pages))>
                {(page > 0).then(|| view! { <A href=to(page - 1) attr:rel="prev">{tr(i18n, |l| td_string!(l, common.previous))}</A> })}
                <span class="pager__at">{move || fill(t_string!(i18n, common.page_number), &[("n", &(page + 1))])}</span>
                {has_more.then(|| view! { <A href=to(page + 1) attr:rel="next">{tr(i18n, |l| td_string!(l, common.next))}</A> })}
            </nav>
        }
    })
}

/// "Download CSV": the list's export at `path` (`/requests.csv`), with the page's filters and
/// order (its query without the page number: the export holds every page). A plain link with
/// `download`, so the browser saves the file instead of the router following it.
#[component]
pub fn DownloadCsv(path: &'static str) -> impl IntoView {
    let query = use_query_map();
    let href = move || csv_link(path, &pairs(&query.read()));
    let i18n = use_i18n();
    view! { <a class="button button--small button--ghost download-csv" href=href download="" rel="external">{tr(i18n, |l| td_string!(l, common.download_csv))}</a> }
}

/// The export link of a list: `path` with the query, the page number left out.
fn csv_link(path: &str, query: &[(String, String)]) -> String {
    link_with(path, query, &[("page", None), ("before", None)])
}

/// A page number from the URL (from 0), as a server function receives it;
/// anything else is the first page.
pub fn page_number(page: Option<&str>) -> u32 {
    page.and_then(|p| p.trim().parse().ok()).unwrap_or(0)
}

/// The value of a query parameter, empty when absent, for pre-filling a filter form.
pub fn query_value(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get(key).unwrap_or_default()
}

/// The query parameter, `None` when absent or empty: what a page passes to its server function.
pub fn query_param(
    key: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get(key).filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_link_keeps_the_filters_and_replaces_the_order() {
        let q = query(&[("status", "approved"), ("search", ""), ("sort", "site")]);
        let link = link_with(
            "/requests",
            &q,
            &[("sort", Some("gpus".into())), ("dir", Some("desc".into()))],
        );
        assert_eq!(link, "/requests?status=approved&sort=gpus&dir=desc");
    }

    #[test]
    fn the_csv_link_carries_the_filters_but_not_the_page() {
        let q = query(&[("status", "granted"), ("page", "3"), ("sort", "site")]);
        assert_eq!(
            csv_link("/requests.csv", &q),
            "/requests.csv?status=granted&sort=site"
        );
    }

    #[test]
    fn a_page_number_is_read_leniently() {
        assert_eq!(page_number(Some(" 3 ")), 3);
        assert_eq!(page_number(Some("x")), 0);
        assert_eq!(page_number(None), 0);
    }

    #[test]
    fn removing_the_only_parameter_leaves_the_bare_path() {
        let q = query(&[("page", "2")]);
        assert_eq!(link_with("/requests", &q, &[("page", None)]), "/requests");
    }

    #[test]
    fn words_in_a_link_are_percent_encoded() {
        let q = query(&[("search", "Île & co")]);
        assert_eq!(
            link_with("/requests", &q, &[]),
            "/requests?search=%C3%8Ele%20%26%20co"
        );
    }
}
