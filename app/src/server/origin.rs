//! What a web origin is — scheme, host and port — read from an `Origin` header, from the
//! portal's configured public URL (`GUICHET_PUBLIC_URL`), or from a request's `Host` with the
//! scheme the configuration knows. The cross-site check (`security::is_same_origin_request`)
//! compares two of them whole.

use std::fmt;

/// The scheme of an origin the portal can be served on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }
}

/// A web origin: scheme, host (lower case) and port (the scheme's default when none is written),
/// so `https://Portal.example` and `https://portal.example:443` are the same origin and
/// `http://portal.example` another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// An `Origin` header's value (`scheme://host[:port]`, nothing else). `None` for `null`,
    /// another scheme, a path, user information, or anything unreadable.
    pub fn parse(text: &str) -> Option<Self> {
        let (scheme, rest) = text.split_once("://")?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return None,
        };
        Self::from_authority(scheme, rest)
    }

    /// The configured public URL: an origin, optionally followed by `/` alone.
    pub fn parse_public_url(text: &str) -> Option<Self> {
        Self::parse(text.strip_suffix('/').unwrap_or(text))
    }

    /// The origin a request names by its `Host` (or HTTP/2 authority), on `scheme`.
    pub fn from_host(scheme: Scheme, host: &str) -> Option<Self> {
        Self::from_authority(scheme, host)
    }

    /// `host[:port]` (an IPv6 host in brackets) on `scheme`.
    fn from_authority(scheme: Scheme, authority: &str) -> Option<Self> {
        let authority = authority.trim();
        if authority.is_empty()
            || authority
                .chars()
                .any(|c| matches!(c, '/' | '\\' | '?' | '#' | '@') || c.is_whitespace())
        {
            return None;
        }
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            let (inside, after) = bracketed.split_once(']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (format!("[{}]", inside.to_ascii_lowercase()), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
                None => (authority.to_ascii_lowercase(), None),
            }
        };
        if host.is_empty() || host.contains(':') && !host.starts_with('[') {
            return None;
        }
        let port = match port {
            None => scheme.default_port(),
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
            Some(_) => return None,
        };
        Some(Self { scheme, host, port })
    }

    pub fn is_tls(&self) -> bool {
        self.scheme == Scheme::Https
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        write!(f, "{scheme}://{}", self.host)?;
        if self.port != self.scheme.default_port() {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(text: &str) -> Origin {
        Origin::parse(text).unwrap_or_else(|| panic!("{text} is an origin"))
    }

    #[test]
    fn a_default_port_and_letter_case_do_not_make_another_origin() {
        assert_eq!(
            origin("https://Portal.Example"),
            origin("https://portal.example:443")
        );
        assert_eq!(
            origin("http://portal.example"),
            origin("http://portal.example:80")
        );
        assert_eq!(origin("HTTP://[::1]:3000").to_string(), "http://[::1]:3000");
    }

    #[test]
    fn scheme_host_and_port_each_make_another_origin() {
        let portal = origin("http://portal.example:3000");
        assert_ne!(portal, origin("https://portal.example:3000"));
        assert_ne!(portal, origin("http://portal.example:3001"));
        assert_ne!(portal, origin("http://evil.example:3000"));
        assert_ne!(
            origin("https://portal.example"),
            origin("http://portal.example")
        );
    }

    #[test]
    fn only_a_bare_http_or_https_origin_is_read() {
        for bad in [
            "null",
            "portal.example",
            "ftp://portal.example",
            "http://portal.example/path",
            "http://user@portal.example",
            "http://portal.example:",
            "http://portal.example:99999",
            "http://portal.example:+80",
            "http://",
            "http://a b",
            "http://::1",
        ] {
            assert_eq!(Origin::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_public_url_may_end_with_a_slash_and_a_host_names_an_origin_on_a_scheme() {
        assert_eq!(
            Origin::parse_public_url("https://guichet.example.fr/"),
            Some(origin("https://guichet.example.fr"))
        );
        assert_eq!(
            Origin::parse_public_url("https://guichet.example.fr/x"),
            None
        );
        assert_eq!(
            Origin::from_host(Scheme::Https, "portal.example"),
            Some(origin("https://portal.example"))
        );
        assert_eq!(
            Origin::from_host(Scheme::Http, "127.0.0.1:3000"),
            Some(origin("http://127.0.0.1:3000"))
        );
    }
}
