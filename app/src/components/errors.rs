//! The user's-language text for every error and field problem.

use leptos::prelude::*;

use leptos_i18n::I18nContext;

use crate::i18n::*;
use crate::model::client::SharedContact;
use crate::model::error::{AppError, FieldProblem};
use crate::model::password::PasswordRule;

pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    match error {
        AppError::Unauthenticated => t_string!(i18n, errors.unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Invalid(_) => t_string!(i18n, errors.invalid).to_string(),
        AppError::InvalidCredentials => t_string!(i18n, errors.invalid_credentials).to_string(),
        AppError::TooManyAttempts {
            retry_after_seconds,
        } => {
            let seconds = *retry_after_seconds;
            t_string!(i18n, errors.too_many_attempts, seconds).to_string()
        }
        AppError::TooManyInvitations {
            retry_after_seconds,
        } => {
            let minutes = retry_after_seconds.div_ceil(60);
            t_string!(i18n, errors.too_many_invitations, minutes).to_string()
        }
        AppError::ResetLinkInvalid => t_string!(i18n, errors.reset_link_invalid).to_string(),
        AppError::AlreadyVisitedToday => t_string!(i18n, errors.already_visited_today).to_string(),
        AppError::RewardNotClaimable => t_string!(i18n, errors.reward_not_claimable).to_string(),
        AppError::RewardClosed => t_string!(i18n, errors.reward_closed).to_string(),
        AppError::RewardAlreadyWaiting => {
            t_string!(i18n, errors.reward_already_waiting).to_string()
        }
        AppError::ProgrammeExists => t_string!(i18n, errors.programme_exists).to_string(),
        AppError::AlreadyModified => t_string!(i18n, errors.already_modified).to_string(),
        AppError::DuplicateClient { by, .. } => match by {
            SharedContact::Email => t_string!(i18n, errors.duplicate_email).to_string(),
            SharedContact::Phone => t_string!(i18n, errors.duplicate_phone).to_string(),
        },
        AppError::InsufficientBalance => t_string!(i18n, errors.insufficient_balance).to_string(),
        AppError::IdempotencyConflict => t_string!(i18n, errors.idempotency_conflict).to_string(),
        AppError::Internal => t_string!(i18n, errors.internal).to_string(),
        AppError::Communication(_) => t_string!(i18n, errors.communication).to_string(),
    }
}

pub fn problem_text(i18n: I18nContext<Locale>, problem: &FieldProblem) -> String {
    match problem {
        FieldProblem::Required => t_string!(i18n, field.required).to_string(),
        FieldProblem::TooLong { max } => {
            let max = *max;
            t_string!(i18n, field.too_long, max).to_string()
        }
        FieldProblem::ControlCharacters => t_string!(i18n, field.control_characters).to_string(),
        FieldProblem::InvalidEmail => t_string!(i18n, field.invalid_email).to_string(),
        FieldProblem::EmailOrPhone => t_string!(i18n, field.email_or_phone).to_string(),
        FieldProblem::InvalidPhone => t_string!(i18n, field.invalid_phone).to_string(),
        FieldProblem::InvalidPostalCode { country } => {
            let example = country.postal_code_example();
            let country = super::country::country_name(i18n, *country);
            t_string!(i18n, field.invalid_postal_code, country, example).to_string()
        }
        FieldProblem::InvalidDate => t_string!(i18n, field.invalid_date).to_string(),
        FieldProblem::DateInFuture => t_string!(i18n, field.date_in_future).to_string(),
        FieldProblem::InvalidChoice => t_string!(i18n, field.invalid_choice).to_string(),
        FieldProblem::PasswordRules(rules) => {
            let mut text = t_string!(i18n, field.password_rules).to_string();
            for rule in rules {
                text.push(' ');
                text.push_str(&rule_text(i18n, *rule));
                text.push('.');
            }
            text
        }
        FieldProblem::PasswordsDiffer => t_string!(i18n, field.passwords_differ).to_string(),
        FieldProblem::WrongPassword => t_string!(i18n, field.wrong_password).to_string(),
        FieldProblem::PointsOutOfRange { max } => {
            let max = *max;
            t_string!(i18n, field.points_out_of_range, max).to_string()
        }
        FieldProblem::InvalidAmount => t_string!(i18n, field.invalid_amount).to_string(),
        FieldProblem::AmountOutOfRange { max_euros } => {
            let max = *max_euros;
            t_string!(i18n, field.amount_out_of_range, max).to_string()
        }
        FieldProblem::ItemsOutOfRange { max } => {
            let max = *max;
            t_string!(i18n, field.items_out_of_range, max).to_string()
        }
        FieldProblem::NumberOutOfRange { min, max } => {
            let (min, max) = (*min, *max);
            t_string!(i18n, field.number_out_of_range, min, max).to_string()
        }
        FieldProblem::EndBeforeStart => t_string!(i18n, field.end_before_start).to_string(),
        FieldProblem::DateInPast => t_string!(i18n, field.date_in_past).to_string(),
        FieldProblem::PeriodTooLong { max_days } => {
            let max_days = *max_days;
            t_string!(i18n, field.period_too_long, max_days).to_string()
        }
        FieldProblem::KindIsFixed => t_string!(i18n, field.kind_is_fixed).to_string(),
        FieldProblem::AtLeastOnePoint => t_string!(i18n, field.at_least_one_point).to_string(),
        FieldProblem::NotEnoughPoints { balance } => {
            let balance = *balance;
            t_string!(i18n, field.not_enough_points, balance).to_string()
        }
        FieldProblem::InvalidContact => t_string!(i18n, field.invalid_contact).to_string(),
        FieldProblem::NoClientWithContact => {
            t_string!(i18n, field.no_client_with_contact).to_string()
        }
        FieldProblem::SeveralClientsWithContact { count } => {
            let count = *count;
            t_string!(i18n, field.several_clients_with_contact, count).to_string()
        }
        FieldProblem::OwnAccount => t_string!(i18n, field.own_account).to_string(),
        FieldProblem::FounderAccount => t_string!(i18n, field.founder_account).to_string(),
        FieldProblem::DuplicateEmail => t_string!(i18n, field.duplicate_email).to_string(),
        FieldProblem::NameTaken => t_string!(i18n, field.name_taken).to_string(),
        FieldProblem::LetterOrDigit => t_string!(i18n, field.letter_or_digit).to_string(),
        FieldProblem::Malformed => t_string!(i18n, field.malformed).to_string(),
    }
}

pub fn rule_text(i18n: I18nContext<Locale>, rule: PasswordRule) -> String {
    match rule {
        PasswordRule::MinLength => t_string!(i18n, password_rules.min_length).to_string(),
        PasswordRule::Digit => t_string!(i18n, password_rules.digit).to_string(),
        PasswordRule::Uppercase => t_string!(i18n, password_rules.uppercase).to_string(),
        PasswordRule::Special => t_string!(i18n, password_rules.special).to_string(),
        PasswordRule::MaxLength => t_string!(i18n, password_rules.max_length).to_string(),
        PasswordRule::NotCommon => t_string!(i18n, password_rules.not_common).to_string(),
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
