//! What a client's page shows beyond the contact details: figures, consents, notes and the
//! activity timeline.

use serde::{Deserialize, Serialize};

use super::client::{ClientForm, ClientRow};
use super::labels::LabelKind;

use super::error::{AppError, FieldErrors, FieldProblem};
use super::ledger::TransactionView;

pub const ACTIVITY_PAGE_SIZE: u64 = 20;
/// A note is a few lines at the till, not a document.
pub const NOTE_MAX_CHARS: usize = 2_000;

/// A client's figures, from the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientStats {
    pub visits: i64,
    /// Days in the shop's time zone, `23/11/2026`.
    pub first_visit: Option<String>,
    pub last_visit: Option<String>,
    /// What the client spent, corrections applied, over the transactions that carry an amount.
    pub total_spent_cents: i64,
    pub average_basket_cents: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentChannel {
    Email,
    Sms,
}

/// Where a consent was given or withdrawn; kept as proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentSource {
    /// The client filled in a form.
    Form,
    /// Asked at the till.
    Till,
    /// Came with an imported file.
    Import,
    /// Said aloud, noted by staff.
    Verbal,
    /// The client followed the unsubscribe link of an e-mail; never chosen by staff.
    Unsubscribe,
}

coded!(ConsentChannel { Email => "email", Sms => "sms" });
coded!(ConsentSource {
    Form => "form",
    Till => "till",
    Import => "import",
    Verbal => "verbal",
    Unsubscribe => "unsubscribe",
});

impl ConsentSource {
    /// Whether staff may name it when they record an answer: an unsubscribe link's answer is
    /// written by the link alone.
    pub fn chosen_by_staff(self) -> bool {
        self != Self::Unsubscribe
    }
}

/// A channel's consent now: never asked, or the latest answer with its date and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentStatus {
    pub channel: ConsentChannel,
    pub latest: Option<ConsentAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentAnswer {
    pub granted: bool,
    pub source: ConsentSource,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub changed_at: String,
    pub author_name: String,
}

impl ConsentStatus {
    pub fn granted(&self) -> bool {
        self.latest.as_ref().is_some_and(|answer| answer.granted)
    }
}

/// The consents as the client answers them now, both channels at once, and how they were asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentUpdate {
    pub client_id: i64,
    pub email: bool,
    pub sms: bool,
    pub source: ConsentSource,
}

impl ConsentUpdate {
    pub fn granted(&self, channel: ConsentChannel) -> bool {
        match channel {
            ConsentChannel::Email => self.email,
            ConsentChannel::Sms => self.sms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteForm {
    pub client_id: i64,
    pub body: String,
}

impl NoteForm {
    /// The note as it will be saved: trimmed, not empty, not too long, printable.
    pub fn validate(&self) -> Result<String, AppError> {
        let body = self.body.trim().replace("\r\n", "\n");
        let problem = if body.is_empty() {
            Some(FieldProblem::Required)
        } else if body.chars().count() > NOTE_MAX_CHARS {
            Some(FieldProblem::TooLong {
                max: NOTE_MAX_CHARS,
            })
        } else if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            Some(FieldProblem::ControlCharacters)
        } else {
            None
        };
        match problem {
            Some(problem) => Err(AppError::Invalid(FieldErrors::single("body", problem))),
            None => Ok(body),
        }
    }
}

/// Which kinds of events the timeline shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityFilter {
    #[default]
    All,
    Transactions,
    Notes,
    Consents,
    Edits,
}

coded!(ActivityFilter {
    All => "all",
    Transactions => "transactions",
    Notes => "notes",
    Consents => "consents",
    Edits => "edits",
});

impl ActivityFilter {
    pub fn shows(self, kind: ActivityFilter) -> bool {
        self == ActivityFilter::All || self == kind
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityEvent {
    Transaction(TransactionView),
    File(FileEvent),
}

/// What happened to the client's file itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileEvent {
    Note {
        body: String,
    },
    Consent {
        channel: ConsentChannel,
        granted: bool,
        source: ConsentSource,
    },
    Created,
    /// The names of the fields that changed, as the client form calls them.
    Edited {
        fields: Vec<String>,
    },
    /// A tag or group put on (`added`) or taken off the client.
    Labelled {
        kind: LabelKind,
        name: String,
        added: bool,
    },
    /// Another file of the same person was joined to this one; `from` is its name then.
    Merged {
        from: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub at: String,
    pub author_name: String,
    pub event: ActivityEvent,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    pub total: u64,
    pub page: u64,
}

/// Everything the client page and the edit form show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDetail {
    pub row: ClientRow,
    pub form: ClientForm,
    pub stats: ClientStats,
    /// E-mail then SMS.
    pub consents: Vec<ConsentStatus>,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(body: &str) -> NoteForm {
        NoteForm {
            client_id: 1,
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_note_is_trimmed_and_keeps_its_lines() {
        assert_eq!(
            note("  Allergique aux noix\r\nPréfère le pain bien cuit ").validate(),
            Ok("Allergique aux noix\nPréfère le pain bien cuit".to_owned())
        );
    }

    #[test]
    fn empty_long_or_control_notes_are_refused_on_the_body_field() {
        let problem = |body: &str| match note(body).validate() {
            Err(AppError::Invalid(errors)) => errors.get("body").cloned(),
            _ => None,
        };
        assert_eq!(problem("   "), Some(FieldProblem::Required));
        assert_eq!(
            problem(&"a".repeat(NOTE_MAX_CHARS + 1)),
            Some(FieldProblem::TooLong {
                max: NOTE_MAX_CHARS
            })
        );
        assert_eq!(problem("bip\u{7}"), Some(FieldProblem::ControlCharacters));
        assert_eq!(problem(&"é".repeat(NOTE_MAX_CHARS)), None);
    }

    #[test]
    fn codes_read_back() {
        for channel in ConsentChannel::ALL {
            assert_eq!(ConsentChannel::from_code(channel.code()), Some(*channel));
        }
        for source in ConsentSource::ALL {
            assert_eq!(ConsentSource::from_code(source.code()), Some(*source));
        }
        for filter in ActivityFilter::ALL {
            assert_eq!(ActivityFilter::from_code(filter.code()), Some(*filter));
        }
        assert_eq!(ConsentSource::from_code("fax"), None);
    }
}
