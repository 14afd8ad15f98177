//! Settings read from the environment (documented in `.env.example`).

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection, for a relay on the same machine or a test listener.
    None,
    StartTls,
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub database_url: String,
    /// Where users reach the app; links in e-mails are built from it, never from a request.
    pub public_url: String,
    pub mail_from: String,
    /// `None`: e-mails are written to `outbox_dir` and logged.
    pub smtp: Option<SmtpConfig>,
    pub outbox_dir: PathBuf,
    /// How many campaign and automatic e-mails each server hands to the mail server a second
    /// (`MAIL_PER_SECOND`, 1–100, default 5): a provider's sending limit.
    pub mail_per_second: u32,
    /// Behind a reverse proxy, the client's address is the last `X-Forwarded-For` entry;
    /// otherwise that header is ignored, since any client can send it.
    pub trust_forwarded_for: bool,
    /// Backups the server makes by itself (SQLite): `BACKUP_DIR`, every `BACKUP_EVERY_HOURS`
    /// (24), keeping `BACKUP_KEEP` copies (14). None without a folder.
    pub backup: Option<super::backup::BackupSchedule>,
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// A whole number setting within `range`, `default` when unset.
fn number(
    name: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    match var(name) {
        Some(text) => whole_number(name, &text, range),
        None => Ok(default),
    }
}

fn whole_number(
    name: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    text.parse::<u64>()
        .ok()
        .filter(|value| range.contains(value))
        .ok_or_else(|| ConfigError {
            variable: name,
            problem: format!(
                "expected a whole number from {} to {}, got {text}",
                range.start(),
                range.end()
            ),
        })
}

impl AppConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        let smtp = match var("SMTP_HOST") {
            None => None,
            Some(host) => {
                let security = match var("SMTP_SECURITY").as_deref().unwrap_or("starttls") {
                    "none" => SmtpSecurity::None,
                    "starttls" => SmtpSecurity::StartTls,
                    "tls" => SmtpSecurity::Tls,
                    other => {
                        return Err(ConfigError {
                            variable: "SMTP_SECURITY",
                            problem: format!("expected none, starttls or tls, got {other}"),
                        });
                    }
                };
                let default_port = match security {
                    SmtpSecurity::None => 25,
                    SmtpSecurity::StartTls => 587,
                    SmtpSecurity::Tls => 465,
                };
                let port = match var("SMTP_PORT") {
                    Some(port) => port.parse().map_err(|_| ConfigError {
                        variable: "SMTP_PORT",
                        problem: format!("not a port number: {port}"),
                    })?,
                    None => default_port,
                };
                Some(SmtpConfig {
                    host,
                    port,
                    security,
                    username: var("SMTP_USERNAME"),
                    password: var("SMTP_PASSWORD"),
                })
            }
        };
        let backup = match var("BACKUP_DIR") {
            None => None,
            Some(folder) => Some(super::backup::BackupSchedule {
                folder: PathBuf::from(folder),
                every: std::time::Duration::from_secs(
                    3600 * number("BACKUP_EVERY_HOURS", 24, 1..=168)?,
                ),
                keep: usize::try_from(number("BACKUP_KEEP", 14, 1..=1000)?).unwrap_or(14),
            }),
        };
        Ok(Self {
            backup,
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://comptoir.db?mode=rwc".into()),
            public_url: var("PUBLIC_URL")
                .unwrap_or_else(|| "http://127.0.0.1:3000".into())
                .trim_end_matches('/')
                .to_owned(),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Comptoir <no-reply@comptoir.localhost>".into()),
            smtp,
            outbox_dir: var("MAIL_OUTBOX_DIR")
                .map_or_else(|| PathBuf::from("outbox"), PathBuf::from),
            mail_per_second: u32::try_from(number("MAIL_PER_SECOND", 5, 1..=100)?).unwrap_or(5),
            trust_forwarded_for: match var("TRUST_X_FORWARDED_FOR").as_deref() {
                None | Some("false") | Some("0") => false,
                Some("true") | Some("1") => true,
                Some(other) => {
                    return Err(ConfigError {
                        variable: "TRUST_X_FORWARDED_FOR",
                        problem: format!("expected true or false, got {other}"),
                    });
                }
            },
        })
    }

    /// Cookies carry `Secure` only when users reach the app over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A configuration for tests: in-memory database, e-mails to a temporary outbox.
    pub fn for_tests(database_url: &str, outbox_dir: PathBuf) -> Self {
        Self {
            database_url: database_url.to_owned(),
            public_url: "http://127.0.0.1:3000".into(),
            mail_from: "Comptoir <no-reply@comptoir.localhost>".into(),
            smtp: None,
            outbox_dir,
            mail_per_second: 5,
            trust_forwarded_for: false,
            backup: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_setting_outside_its_range_names_the_variable_and_the_range() {
        assert_eq!(
            whole_number("MAIL_PER_SECOND", "12", 1..=100).ok(),
            Some(12)
        );
        let refused = whole_number("MAIL_PER_SECOND", "0", 1..=100).err();
        assert_eq!(
            refused.map(|error| error.to_string()),
            Some("MAIL_PER_SECOND: expected a whole number from 1 to 100, got 0".to_owned())
        );
        assert!(whole_number("BACKUP_KEEP", "beaucoup", 1..=1000).is_err());
    }
}
