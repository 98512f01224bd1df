//! How the portal reaches its SMTP server (read by `config::AppConfig::from_lookup`). The
//! password is a [`Secret`]: it is never printed, logged or shown.

use std::path::PathBuf;

use super::super::config::{parse_number, ConfigError, Secret};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or in tests.
    None,
}

/// An SMTP server to send through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `GUICHET_SMTP_HOST`.
    pub host: String,
    /// `GUICHET_SMTP_PORT` (default 587 with STARTTLS, 465 with TLS, 25 without).
    pub port: u16,
    /// `GUICHET_SMTP_TLS`: `starttls` (default), `tls` or `none`.
    pub tls: SmtpTls,
    /// `GUICHET_SMTP_USERNAME` and `GUICHET_SMTP_PASSWORD`, both or neither.
    pub credentials: Option<(String, Secret<String>)>,
    /// `GUICHET_SMTP_CA_FILE`: a PEM certificate trusted beside the usual roots (a campus CA).
    pub ca_file: Option<PathBuf>,
}

/// The mailer's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// Unset (`GUICHET_SMTP_HOST` empty): nothing is sent; e-mail waits in the outbox (and
    /// `guichet outbox` prints it).
    pub smtp: Option<SmtpSettings>,
    /// `GUICHET_MAIL_FROM`: the sender, `Name <address>` or an address.
    pub from: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp: None,
            from: "Guichet <guichet@localhost>".to_owned(),
        }
    }
}

impl MailSettings {
    /// Reads the settings through `get` (trimmed, non-empty values).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut s = Self::default();
        if let Some(from) = get("GUICHET_MAIL_FROM") {
            if from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError {
                    variable: "GUICHET_MAIL_FROM",
                    problem: format!(
                        "expected an address such as “Guichet <guichet@campus.example>”, got “{from}”"
                    ),
                });
            }
            s.from = from;
        }
        let Some(host) = get("GUICHET_SMTP_HOST") else {
            return Ok(s);
        };
        let tls = match get("GUICHET_SMTP_TLS")
            .as_deref()
            .map(str::to_ascii_lowercase)
        {
            None => SmtpTls::StartTls,
            Some(v) if v == "starttls" => SmtpTls::StartTls,
            Some(v) if v == "tls" => SmtpTls::Tls,
            Some(v) if v == "none" => SmtpTls::None,
            Some(v) => {
                return Err(ConfigError {
                    variable: "GUICHET_SMTP_TLS",
                    problem: format!("expected “starttls”, “tls” or “none”, got “{v}”"),
                })
            }
        };
        let port = match get("GUICHET_SMTP_PORT") {
            Some(v) => parse_number("GUICHET_SMTP_PORT", &v, 1, 65_535)? as u16,
            None => match tls {
                SmtpTls::StartTls => 587,
                SmtpTls::Tls => 465,
                SmtpTls::None => 25,
            },
        };
        let credentials = match (get("GUICHET_SMTP_USERNAME"), get("GUICHET_SMTP_PASSWORD")) {
            (Some(user), Some(password)) => Some((user, Secret::new(password))),
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError {
                    variable: "GUICHET_SMTP_USERNAME",
                    problem: "set both GUICHET_SMTP_USERNAME and GUICHET_SMTP_PASSWORD, or neither"
                        .into(),
                })
            }
        };
        if credentials.is_some() && tls == SmtpTls::None {
            return Err(ConfigError {
                variable: "GUICHET_SMTP_TLS",
                problem: "a password is never sent unencrypted: use starttls or tls".into(),
            });
        }
        let ca_file = get("GUICHET_SMTP_CA_FILE").map(PathBuf::from);
        if let Some(path) = &ca_file {
            if !path.is_file() {
                return Err(ConfigError {
                    variable: "GUICHET_SMTP_CA_FILE",
                    problem: format!("no such file: {}", path.display()),
                });
            }
        }
        s.smtp = Some(SmtpSettings {
            host,
            port,
            tls,
            credentials,
            ca_file,
        });
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<MailSettings, ConfigError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        MailSettings::from_lookup(|k| map.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn without_a_host_nothing_is_sent() {
        assert_eq!(read(&[]).unwrap().smtp, None);
    }

    #[test]
    fn starttls_on_587_is_the_default() {
        let s = read(&[("GUICHET_SMTP_HOST", "smtp.campus.example")]).unwrap();
        let smtp = s.smtp.unwrap();
        assert_eq!((smtp.tls, smtp.port), (SmtpTls::StartTls, 587));
        let tls = read(&[("GUICHET_SMTP_HOST", "h"), ("GUICHET_SMTP_TLS", "tls")]).unwrap();
        assert_eq!(tls.smtp.unwrap().port, 465);
    }

    #[test]
    fn a_password_is_never_printed_nor_sent_in_clear() {
        let s = read(&[
            ("GUICHET_SMTP_HOST", "h"),
            ("GUICHET_SMTP_USERNAME", "portal"),
            ("GUICHET_SMTP_PASSWORD", "hunter2-secret"),
        ])
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        let e = read(&[
            ("GUICHET_SMTP_HOST", "h"),
            ("GUICHET_SMTP_TLS", "none"),
            ("GUICHET_SMTP_USERNAME", "portal"),
            ("GUICHET_SMTP_PASSWORD", "x"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "GUICHET_SMTP_TLS");
        let e = read(&[("GUICHET_SMTP_HOST", "h"), ("GUICHET_SMTP_PASSWORD", "x")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_SMTP_USERNAME");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let e = read(&[("GUICHET_SMTP_HOST", "h"), ("GUICHET_SMTP_TLS", "maybe")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_SMTP_TLS");
        let e = read(&[("GUICHET_MAIL_FROM", "not an address")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_MAIL_FROM");
    }
}
