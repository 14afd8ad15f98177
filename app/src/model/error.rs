//! The one error type every server function returns, shared with the browser so the page can
//! show the right message for each case.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use super::password::PasswordRule;

/// What is wrong with one field of a form; the page shows it next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Required,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    InvalidEmail,
    /// Neither an e-mail address nor a phone number was given.
    EmailOrPhone,
    InvalidPhone,
    /// Not a postal code of the client's country; the message shows one that is.
    InvalidPostalCode {
        country: super::country::Country,
    },
    InvalidDate,
    DateInFuture,
    InvalidChoice,
    PasswordRules(Vec<PasswordRule>),
    PasswordsDiffer,
    /// The current password, asked again before changing it, is not the right one.
    WrongPassword,
    PointsOutOfRange {
        max: i64,
    },
    InvalidAmount,
    /// A purchase of zero, or more than any shop sells at once.
    AmountOutOfRange {
        max_euros: i64,
    },
    ItemsOutOfRange {
        max: i64,
    },
    /// A whole number between `min` and `max` (points per euro, stamps on a card…).
    NumberOutOfRange {
        min: i64,
        max: i64,
    },
    /// An end date before the start date.
    EndBeforeStart,
    /// A date that has passed, where one to come is asked (a new expiry).
    DateInPast,
    /// A period longer than the pages that show it allow.
    PeriodTooLong {
        max_days: i64,
    },
    /// A live programme keeps its kind; another kind is another programme.
    KindIsFixed,
    /// Using zero points means nothing.
    AtLeastOnePoint,
    /// The client has fewer points than asked to use.
    NotEnoughPoints {
        balance: i64,
    },
    /// The client's store credit is less than asked to use (or than a reversal takes back).
    NotEnoughCredit {
        balance_cents: i64,
    },
    /// Neither an e-mail address nor a phone number.
    InvalidContact,
    NoClientWithContact,
    /// The phone number or e-mail is on several files: the client must be found by name.
    SeveralClientsWithContact {
        count: u64,
    },
    DuplicateEmail,
    /// The owner's own account is not changed from the team page.
    OwnAccount,
    /// The account that created the shop is not changed by another owner.
    FounderAccount,
    /// A group with this name, give or take case and accents, exists already.
    NameTaken,
    /// A tag or group name made only of symbols would be impossible to find again.
    LetterOrDigit,
    /// The request itself could not be read: a wrong type or a missing field.
    Malformed,
    /// A `{word}` in an e-mail's text that is none of the client's fields.
    UnknownMailField {
        name: String,
        /// The fields this e-mail may hold.
        fields: Vec<String>,
    },
    /// No client of the chosen segment agreed to e-mails: nothing would be sent.
    NoRecipients,
    /// No member card of the shop has this token.
    UnknownCard,
    /// A member card replaced since (lost, stolen): its token is refused.
    CardReplaced,
    /// A technical sheet with nothing written in it.
    EmptySheet,
    /// The terms shown to the client are no longer the version in force.
    TermsChanged,
    /// Less is left on the gift card than asked to spend.
    NotEnoughOnGiftCard {
        balance_cents: i64,
    },
    /// A gift card cancelled, past its date or used up: nothing can be spent on it.
    GiftCardUnusable,
    /// A ticket with neither a reference nor a line.
    EmptyTicket,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FieldErrors(pub Vec<(String, FieldProblem)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, problem: FieldProblem) {
        self.0.push((field.to_owned(), problem));
    }

    pub fn get(&self, field: &str) -> Option<&FieldProblem> {
        self.0
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, problem)| problem)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(field: &str, problem: FieldProblem) -> Self {
        Self(vec![(field.to_owned(), problem)])
    }

    /// `Ok(())` when nothing was added, else the collected errors.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed for this account")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    #[error("too many attempts, retry in {retry_after_seconds} s")]
    TooManyAttempts { retry_after_seconds: u64 },
    /// The shop sent as many invitations as an hour allows.
    #[error("too many invitations, retry in {retry_after_seconds} s")]
    TooManyInvitations { retry_after_seconds: u64 },
    #[error("reset link invalid or expired")]
    ResetLinkInvalid,
    /// Another client of the shop has this e-mail or phone: the page offers that client.
    #[error("a client with this contact already exists")]
    DuplicateClient {
        existing: ExistingClient,
        by: SharedContact,
    },
    /// The shop runs a programme already: it must be ended before another starts.
    #[error("a programme is running already")]
    ProgrammeExists,
    /// The programme counts one visit a day, and this client's is counted already.
    #[error("visit already counted today")]
    AlreadyVisitedToday,
    /// The reward was claimed, revoked or expired already.
    #[error("reward not claimable")]
    RewardNotClaimable,
    /// The reward was claimed or revoked: it no longer changes.
    #[error("reward closed")]
    RewardClosed,
    /// Extending this expired reward would give the client a second waiting one of its kind.
    #[error("reward already waiting")]
    RewardAlreadyWaiting,
    #[error("transaction already modified")]
    AlreadyModified,
    /// A technical sheet is corrected by its author the day it was written, then kept.
    #[error("sheet kept as written")]
    SheetKept,
    #[error("the balance would go below zero")]
    InsufficientBalance,
    #[error("idempotency key reused for another request")]
    IdempotencyConflict,
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or its answer was unreadable.
    #[error("communication error: {0}")]
    Communication(String),
}

impl AppError {
    pub fn invalid(field: &str, problem: FieldProblem) -> Self {
        Self::Invalid(FieldErrors::single(field, problem))
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Invalid(errors) => Some(errors),
            _ => None,
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Invalid(_) | Self::ResetLinkInvalid => 422,
            Self::AlreadyModified
            | Self::SheetKept
            | Self::ProgrammeExists
            | Self::AlreadyVisitedToday
            | Self::RewardNotClaimable
            | Self::RewardClosed
            | Self::RewardAlreadyWaiting
            | Self::InsufficientBalance
            | Self::IdempotencyConflict
            | Self::DuplicateClient { .. } => 409,
            Self::TooManyAttempts { .. } | Self::TooManyInvitations { .. } => 429,
            Self::Internal | Self::Communication(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not even decode are bad input, not a server fault.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::invalid("request", FieldProblem::Malformed)
            }
            // On the server, a deserialisation error can only come from the request's arguments.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => {
                Self::invalid("request", FieldProblem::Malformed)
            }
            other => Self::Communication(other.to_string()),
        }
    }
}

/// Which contact another client of the shop already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SharedContact {
    Email,
    Phone,
}

/// The client who already holds a contact, as the offer to open that file shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingClient {
    pub id: i64,
    pub name: String,
    pub points_balance: i64,
}
