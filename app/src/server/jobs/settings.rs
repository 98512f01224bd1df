//! The job runner's settings (read by `config::AppConfig::from_lookup`).

use super::super::config::{parse_number, ConfigError};

/// How the job runner of this process behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// `GUICHET_INSTANCE_NAME`: this process's name in the job history and the admins' page
    /// (default: the host name and the process id).
    pub instance: String,
    /// `GUICHET_JOBS_TICK_SECONDS`: how often the runner looks for due jobs (default 5).
    pub tick_seconds: u32,
    /// `GUICHET_QUOTA_CLOCK_SECONDS`: how often the quota clock runs (default 60).
    pub quota_clock_seconds: u32,
    /// `GUICHET_MAILER_SECONDS`: how often queued e-mail is sent (default 10).
    pub mailer_seconds: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "guichet".to_owned());
        Self {
            instance: format!("{host}-{}", std::process::id()),
            tick_seconds: 5,
            quota_clock_seconds: 60,
            mailer_seconds: 10,
        }
    }
}

impl JobSettings {
    /// Reads the settings through `get` (trimmed, non-empty values).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut s = Self::default();
        if let Some(v) = get("GUICHET_INSTANCE_NAME") {
            if v.len() > 64 || v.chars().any(|c| c.is_control()) {
                return Err(ConfigError {
                    variable: "GUICHET_INSTANCE_NAME",
                    problem: "expected a short name (at most 64 characters)".into(),
                });
            }
            s.instance = v;
        }
        if let Some(v) = get("GUICHET_JOBS_TICK_SECONDS") {
            s.tick_seconds = parse_number("GUICHET_JOBS_TICK_SECONDS", &v, 1, 3_600)?;
        }
        if let Some(v) = get("GUICHET_QUOTA_CLOCK_SECONDS") {
            s.quota_clock_seconds = parse_number("GUICHET_QUOTA_CLOCK_SECONDS", &v, 1, 86_400)?;
        }
        if let Some(v) = get("GUICHET_MAILER_SECONDS") {
            s.mailer_seconds = parse_number("GUICHET_MAILER_SECONDS", &v, 1, 3_600)?;
        }
        Ok(s)
    }
}
