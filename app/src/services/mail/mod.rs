//! Outgoing e-mail: through SMTP when configured, else written to a local outbox folder and
//! logged, so a demo works without a mail server.

use std::path::PathBuf;

use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{AppConfig, SmtpSecurity};

pub mod texts;

pub use texts::MailText;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    from: String,
    transport: Transport,
}

pub struct OutgoingMail<'a> {
    pub to: &'a str,
    pub text: MailText,
    /// The name shown as the sender (a shop's, for its campaigns); the address stays `MAIL_FROM`.
    pub from_name: Option<&'a str>,
    /// The `List-Unsubscribe` address, posted to in one click (RFC 8058).
    pub list_unsubscribe: Option<&'a str>,
}

/// A header lettre has no type for, or an error naming it.
fn raw_header(name: &str, value: String) -> Result<HeaderValue, MailError> {
    HeaderName::new_from_ascii(name.to_owned())
        .map(|name| HeaderValue::new(name, value))
        .map_err(|_| MailError::Build(format!("header {name}")))
}

impl Mailer {
    pub fn from_config(config: &AppConfig) -> Result<Self, MailError> {
        let transport = match &config.smtp {
            None => Transport::Outbox(config.outbox_dir.clone()),
            Some(smtp) => {
                let builder = match smtp.security {
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpSecurity::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                            .map_err(|error| MailError::Smtp(error.to_string()))?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                        .map_err(|error| MailError::Smtp(error.to_string()))?,
                };
                let mut builder = builder.port(smtp.port);
                if let (Some(username), Some(password)) = (&smtp.username, &smtp.password) {
                    builder =
                        builder.credentials(Credentials::new(username.clone(), password.clone()));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self {
            from: config.mail_from.clone(),
            transport,
        })
    }

    pub async fn send(&self, mail: OutgoingMail<'_>) -> Result<(), MailError> {
        let parse = |address: &str| {
            address
                .parse::<Mailbox>()
                .map_err(|_| MailError::Address(address.to_owned()))
        };
        let mut from = parse(&self.from)?;
        if let Some(name) = mail.from_name {
            from.name = Some(name.to_owned());
        }
        let mut builder = Message::builder()
            .from(from)
            .to(parse(mail.to)?)
            .subject(mail.text.subject.as_str())
            .header(ContentType::TEXT_PLAIN);
        if let Some(link) = mail.list_unsubscribe {
            builder = builder
                .raw_header(raw_header("List-Unsubscribe", format!("<{link}>"))?)
                .raw_header(raw_header(
                    "List-Unsubscribe-Post",
                    "List-Unsubscribe=One-Click".to_owned(),
                )?);
        }
        let message = builder
            .body(mail.text.body)
            .map_err(|error| MailError::Build(error.to_string()))?;
        match &self.transport {
            Transport::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(|error| MailError::Smtp(error.to_string()))?;
                tracing::info!(to = mail.to, subject = mail.text.subject, "e-mail sent");
            }
            Transport::Outbox(folder) => {
                tokio::fs::create_dir_all(folder).await?;
                let path = folder.join(format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f"),
                    uuid::Uuid::new_v4().simple()
                ));
                tokio::fs::write(&path, message.formatted()).await?;
                tracing::info!(to = mail.to, subject = mail.text.subject, path = %path.display(), "e-mail written to the outbox (no SMTP_HOST set)");
            }
        }
        Ok(())
    }
}
