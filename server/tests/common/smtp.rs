//! The real SMTP server the tests send through (`scripts/smtp-test-server.sh` starts aiosmtpd on
//! loopback, STARTTLS and AUTH required, and names it in `GUICHET_TEST_SMTP_*`), and what it
//! received, read back from its folder.

use std::path::PathBuf;

use app::server::config::{AppConfig, Secret};
use app::server::mail::settings::{MailSettings, SmtpSettings, SmtpTls};

/// The SMTP test server of this run, or `None` when the tests run without one (then the mail
/// tests say so and pass, unless `GUICHET_REQUIRE_SMTP=1`, as in `make test`).
pub fn server() -> Option<(SmtpSettings, PathBuf)> {
    let port = std::env::var("GUICHET_TEST_SMTP_PORT").ok();
    let Some(port) = port else {
        assert!(
            std::env::var("GUICHET_REQUIRE_SMTP").as_deref() != Ok("1"),
            "GUICHET_REQUIRE_SMTP=1 but no SMTP test server: run under scripts/smtp-test-server.sh run"
        );
        eprintln!("no SMTP test server (scripts/smtp-test-server.sh run …): mail test skipped");
        return None;
    };
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set with the port"));
    Some((
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: port.parse().expect("a port"),
            tls: SmtpTls::StartTls,
            credentials: Some((
                "guichet".into(),
                Secret::new(var("GUICHET_TEST_SMTP_PASSWORD")),
            )),
            ca_file: Some(PathBuf::from(var("GUICHET_TEST_SMTP_CA"))),
        },
        PathBuf::from(var("GUICHET_TEST_SMTP_DIR")),
    ))
}

/// A configuration that sends through `smtp` from an address of this test app alone (the
/// server is shared by every test of the run: [`received`] tells them apart by sender).
pub fn config(smtp: SmtpSettings) -> (AppConfig, String) {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let from = format!("guichet-{}-{n}@portal.test", std::process::id());
    let config = AppConfig {
        mail: MailSettings {
            smtp: Some(smtp),
            from: format!("Guichet <{from}>"),
        },
        ..AppConfig::default()
    };
    (config, from)
}

/// A message the server accepted.
#[derive(Debug)]
pub struct Received {
    pub envelope: serde_json::Value,
    /// The message as received, quoted-printable decoded (headers and both parts).
    pub text: String,
}

/// Every message the server accepted from `from` for `to`, oldest first.
pub fn received(dir: &std::path::Path, from: &str, to: &str) -> Vec<Received> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the SMTP folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|json| {
            let envelope: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&json).ok()?).ok()?;
            let wanted = envelope["to"]
                .as_array()?
                .iter()
                .any(|a| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(to)));
            if !wanted || envelope["from"] != from {
                return None;
            }
            let raw = std::fs::read(json.with_extension("eml")).ok()?;
            Some(Received {
                envelope,
                text: decode_quoted_printable(&raw),
            })
        })
        .collect()
}

/// Undoes quoted-printable (soft line breaks and `=XX`), then reads the bytes as UTF-8.
fn decode_quoted_printable(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            if raw.get(i + 1..i + 3) == Some(b"\r\n") {
                i += 3;
                continue;
            }
            if raw.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if let Some(hex) = raw.get(i + 1..i + 3) {
                if let Ok(b) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}
