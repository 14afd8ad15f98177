//! The user's-language text for every error and field problem.

use leptos::prelude::*;

use leptos_i18n::I18nContext;

use crate::i18n::*;
use crate::model::api_keys::ApiRefusal;
use crate::model::client::SharedContact;
use crate::model::error::{AppError, FieldProblem};
use crate::model::money::format_euros;
use crate::model::password::PasswordRule;

pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    error_text_in(i18n.get_locale(), error)
}

/// The same in a given language: for answers the server writes (the REST API's errors).
pub fn error_text_in(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::Unauthenticated => td_string!(locale, errors.unauthenticated).to_string(),
        AppError::Forbidden => td_string!(locale, errors.forbidden).to_string(),
        AppError::NotFound => td_string!(locale, errors.not_found).to_string(),
        AppError::Invalid(_) => td_string!(locale, errors.invalid).to_string(),
        AppError::InvalidCredentials => td_string!(locale, errors.invalid_credentials).to_string(),
        AppError::TooManyAttempts {
            retry_after_seconds,
        } => {
            let seconds = *retry_after_seconds;
            td_string!(locale, errors.too_many_attempts, seconds).to_string()
        }
        AppError::TooManyInvitations {
            retry_after_seconds,
        } => {
            let minutes = retry_after_seconds.div_ceil(60);
            td_string!(locale, errors.too_many_invitations, minutes).to_string()
        }
        AppError::ResetLinkInvalid => td_string!(locale, errors.reset_link_invalid).to_string(),
        AppError::AlreadyVisitedToday => {
            td_string!(locale, errors.already_visited_today).to_string()
        }
        AppError::RewardNotClaimable => td_string!(locale, errors.reward_not_claimable).to_string(),
        AppError::RewardClosed => td_string!(locale, errors.reward_closed).to_string(),
        AppError::RewardAlreadyWaiting => {
            td_string!(locale, errors.reward_already_waiting).to_string()
        }
        AppError::ProgrammeExists => td_string!(locale, errors.programme_exists).to_string(),
        AppError::AlreadyModified => td_string!(locale, errors.already_modified).to_string(),
        AppError::SheetKept => td_string!(locale, errors.sheet_kept).to_string(),
        AppError::DuplicateClient { by, .. } => match by {
            SharedContact::Email => td_string!(locale, errors.duplicate_email).to_string(),
            SharedContact::Phone => td_string!(locale, errors.duplicate_phone).to_string(),
        },
        AppError::InsufficientBalance => {
            td_string!(locale, errors.insufficient_balance).to_string()
        }
        AppError::IdempotencyConflict => {
            td_string!(locale, errors.idempotency_conflict).to_string()
        }
        AppError::Internal => td_string!(locale, errors.internal).to_string(),
        AppError::Communication(_) => td_string!(locale, errors.communication).to_string(),
    }
}

/// The REST API's own refusals, in the caller's language (`Accept-Language`).
pub fn api_refusal_text_in(locale: Locale, refusal: &ApiRefusal) -> String {
    match refusal {
        ApiRefusal::MissingKey => td_string!(locale, api.missing_key).to_string(),
        ApiRefusal::UnknownKey => td_string!(locale, api.unknown_key).to_string(),
        ApiRefusal::ReadOnlyKey => td_string!(locale, api.read_only_key).to_string(),
        ApiRefusal::RateLimited {
            retry_after_seconds,
        } => {
            let seconds = *retry_after_seconds;
            td_string!(locale, api.rate_limited, seconds).to_string()
        }
        ApiRefusal::IdempotencyKey => td_string!(locale, api.idempotency_key).to_string(),
        ApiRefusal::Malformed => td_string!(locale, api.malformed).to_string(),
        ApiRefusal::ContactMissing => td_string!(locale, api.contact_missing).to_string(),
        ApiRefusal::UnknownAddress => td_string!(locale, api.unknown_address).to_string(),
    }
}

pub fn problem_text(i18n: I18nContext<Locale>, problem: &FieldProblem) -> String {
    problem_text_in(i18n.get_locale(), problem)
}

/// The same in a given language: for text the server writes (a download).
pub fn problem_text_in(locale: Locale, problem: &FieldProblem) -> String {
    match problem {
        FieldProblem::Required => td_string!(locale, field.required).to_string(),
        FieldProblem::TooLong { max } => {
            let max = *max;
            td_string!(locale, field.too_long, max).to_string()
        }
        FieldProblem::ControlCharacters => td_string!(locale, field.control_characters).to_string(),
        FieldProblem::InvalidEmail => td_string!(locale, field.invalid_email).to_string(),
        FieldProblem::EmailOrPhone => td_string!(locale, field.email_or_phone).to_string(),
        FieldProblem::InvalidPhone => td_string!(locale, field.invalid_phone).to_string(),
        FieldProblem::InvalidPostalCode { country } => {
            let example = country.postal_code_example();
            let country = super::country::country_name_in(locale, *country);
            td_string!(locale, field.invalid_postal_code, country, example).to_string()
        }
        FieldProblem::InvalidDate => td_string!(locale, field.invalid_date).to_string(),
        FieldProblem::DateInFuture => td_string!(locale, field.date_in_future).to_string(),
        FieldProblem::InvalidChoice => td_string!(locale, field.invalid_choice).to_string(),
        FieldProblem::PasswordRules(rules) => {
            let mut text = td_string!(locale, field.password_rules).to_string();
            for rule in rules {
                text.push(' ');
                text.push_str(&rule_text_in(locale, *rule));
                text.push('.');
            }
            text
        }
        FieldProblem::PasswordsDiffer => td_string!(locale, field.passwords_differ).to_string(),
        FieldProblem::WrongPassword => td_string!(locale, field.wrong_password).to_string(),
        FieldProblem::PointsOutOfRange { max } => {
            let max = *max;
            td_string!(locale, field.points_out_of_range, max).to_string()
        }
        FieldProblem::InvalidAmount => td_string!(locale, field.invalid_amount).to_string(),
        FieldProblem::AmountOutOfRange { max_euros } => {
            let max = *max_euros;
            td_string!(locale, field.amount_out_of_range, max).to_string()
        }
        FieldProblem::ItemsOutOfRange { max } => {
            let max = *max;
            td_string!(locale, field.items_out_of_range, max).to_string()
        }
        FieldProblem::NumberOutOfRange { min, max } => {
            let (min, max) = (*min, *max);
            td_string!(locale, field.number_out_of_range, min, max).to_string()
        }
        FieldProblem::EndBeforeStart => td_string!(locale, field.end_before_start).to_string(),
        FieldProblem::DateInPast => td_string!(locale, field.date_in_past).to_string(),
        FieldProblem::PeriodTooLong { max_days } => {
            let max_days = *max_days;
            td_string!(locale, field.period_too_long, max_days).to_string()
        }
        FieldProblem::KindIsFixed => td_string!(locale, field.kind_is_fixed).to_string(),
        FieldProblem::AtLeastOnePoint => td_string!(locale, field.at_least_one_point).to_string(),
        FieldProblem::NotEnoughPoints { balance } => {
            let balance = *balance;
            td_string!(locale, field.not_enough_points, balance).to_string()
        }
        FieldProblem::NotEnoughCredit { balance_cents } => {
            let balance = format_euros(*balance_cents);
            td_string!(locale, field.not_enough_credit, balance).to_string()
        }
        FieldProblem::NotEnoughOnGiftCard { balance_cents } => {
            let balance = format_euros(*balance_cents);
            td_string!(locale, field.not_enough_on_gift_card, balance).to_string()
        }
        FieldProblem::EmptyTicket => td_string!(locale, field.empty_ticket).to_string(),
        FieldProblem::GiftCardUnusable => td_string!(locale, field.gift_card_unusable).to_string(),
        FieldProblem::InvalidContact => td_string!(locale, field.invalid_contact).to_string(),
        FieldProblem::UnknownCard => td_string!(locale, clients.card_unknown).to_string(),
        FieldProblem::CardReplaced => td_string!(locale, clients.card_replaced).to_string(),
        FieldProblem::EmptySheet => td_string!(locale, field.empty_sheet).to_string(),
        FieldProblem::TermsChanged => td_string!(locale, field.terms_changed).to_string(),
        FieldProblem::NoClientWithContact => {
            td_string!(locale, field.no_client_with_contact).to_string()
        }
        FieldProblem::SeveralClientsWithContact { count } => {
            let count = *count;
            td_string!(locale, field.several_clients_with_contact, count).to_string()
        }
        FieldProblem::OwnAccount => td_string!(locale, field.own_account).to_string(),
        FieldProblem::FounderAccount => td_string!(locale, field.founder_account).to_string(),
        FieldProblem::DuplicateEmail => td_string!(locale, field.duplicate_email).to_string(),
        FieldProblem::NameTaken => td_string!(locale, field.name_taken).to_string(),
        FieldProblem::LetterOrDigit => td_string!(locale, field.letter_or_digit).to_string(),
        FieldProblem::Malformed => td_string!(locale, field.malformed).to_string(),
        FieldProblem::UnknownMailField { name, fields } => {
            let fields = fields
                .iter()
                .map(|field| format!("{{{field}}}"))
                .collect::<Vec<_>>()
                .join(", ");
            let name = format!("{{{name}}}");
            td_string!(locale, field.unknown_mail_field, name, fields).to_string()
        }
        FieldProblem::NoRecipients => td_string!(locale, field.no_recipients).to_string(),
    }
}

pub fn rule_text(i18n: I18nContext<Locale>, rule: PasswordRule) -> String {
    rule_text_in(i18n.get_locale(), rule)
}

fn rule_text_in(locale: Locale, rule: PasswordRule) -> String {
    match rule {
        PasswordRule::MinLength => td_string!(locale, password_rules.min_length).to_string(),
        PasswordRule::Digit => td_string!(locale, password_rules.digit).to_string(),
        PasswordRule::Uppercase => td_string!(locale, password_rules.uppercase).to_string(),
        PasswordRule::Special => td_string!(locale, password_rules.special).to_string(),
        PasswordRule::MaxLength => td_string!(locale, password_rules.max_length).to_string(),
        PasswordRule::NotCommon => td_string!(locale, password_rules.not_common).to_string(),
    }
}

/// A form-level error message, announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(
            |error| view! { <p class="form-error" role="alert">{error_text(i18n, &error)}</p> },
        )
    }
}
