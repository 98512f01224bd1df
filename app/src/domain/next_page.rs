//! Where a sign-in goes afterwards: only a path of this site (the sign-in page's `next`), and the
//! page asking for the second factor's code on the way. Shared by the sign-in page, its server
//! functions and the federated sign-in's routes.

/// Where to go after signing in: only a path on this site, else the home page.
///
/// Browsers drop tabs and newlines from a URL and read `\` as `/`, so `/<tab>/evil.example` or
/// `/\evil.example` would leave the site: a path with any control character, white space,
/// backslash, or an encoded slash, backslash or control character is refused, as is one that
/// starts `//`.
pub fn safe_next(next: Option<&str>) -> String {
    fn is_local_path(n: &str) -> bool {
        let lower = n.to_ascii_lowercase();
        let encoded_danger = lower.match_indices('%').any(|(i, _)| {
            let code = lower.get(i + 1..i + 3).unwrap_or("");
            code == "2f"
                || code == "5c"
                || code.starts_with('0')
                || code.starts_with('1')
                || code == "7f"
        });
        n.starts_with('/')
            && !n.starts_with("//")
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && !encoded_danger
    }
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// The page asking for the second factor's code, keeping where to go afterwards.
pub fn code_page(next: Option<&str>) -> String {
    let next = safe_next(next);
    if next == "/" {
        "/login/code".to_owned()
    } else {
        let encoded: String = next
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("/login/code?next={encoded}")
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/requests")), "/requests");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn every_classic_open_redirect_vector_goes_home() {
        for vector in [
            "//x",
            "/\\x",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            " /requests",
            "\t//evil.example",
            "/%2f/evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/%09/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(vector)), "/", "{vector:?}");
        }
        assert_eq!(
            safe_next(Some("/requests?status=approved&page=2")),
            "/requests?status=approved&page=2"
        );
        assert_eq!(safe_next(Some("/requests/12%20")), "/requests/12%20");
    }
}
