//! One row of a client list: which field each column is (guessed from French and English
//! headers), and the row as a client file under the same rules as the form, after the
//! forgiving reading files need (`12/03/1985`, a phone that lost its leading zero).

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::client::{Civility, ClientForm, ValidClient};
use crate::model::client_file::ConsentChannel;
use crate::model::country::Country;
use crate::model::error::{AppError, FieldErrors, FieldProblem};
use crate::model::imports::{ImportField, MAX_OPENING_POINTS};
use crate::model::phone::normalize_phone_in;
use crate::model::search::normalize;

/// Headers as people write them, once accents, case and punctuation are gone. Checked in this
/// order, so "consentement email" is a consent before it is an e-mail. "Règlement" alone is
/// also a payment ("mode de règlement"), so the terms take more words.
const HEADERS: [(ImportField, &[&str]); 14] = [
    (
        ImportField::TermsAccepted,
        &[
            "reglement accepte",
            "acceptation reglement",
            "acceptation du reglement",
            "cgu",
            "cgu acceptees",
            "terms accepted",
            "accepted terms",
        ],
    ),
    (
        ImportField::EmailConsent,
        &[
            "consentement email",
            "consentement e mail",
            "consentement mail",
            "accord e mail",
            "optin e mail",
            "e mail consent",
            "optin email",
            "opt in email",
            "accord email",
            "email consent",
            "email opt in",
            "newsletter",
        ],
    ),
    (
        ImportField::SmsConsent,
        &[
            "consentement sms",
            "optin sms",
            "opt in sms",
            "accord sms",
            "sms consent",
            "sms opt in",
        ],
    ),
    (
        ImportField::BirthDate,
        &[
            "date de naissance",
            "naissance",
            "anniversaire",
            "ne le",
            "nee le",
            "birthday",
            "birth date",
            "birthdate",
            "date of birth",
            "dob",
        ],
    ),
    (
        ImportField::Civility,
        &["civilite", "titre", "civility", "title", "salutation"],
    ),
    (
        ImportField::FirstName,
        &[
            "prenom",
            "first name",
            "firstname",
            "given name",
            "forename",
        ],
    ),
    (
        ImportField::Email,
        &[
            "email",
            "e mail",
            "mail",
            "courriel",
            "adresse email",
            "adresse e mail",
            "adresse mail",
            "email address",
        ],
    ),
    (
        ImportField::Phone,
        &[
            "telephone",
            "tel",
            "phone",
            "mobile",
            "portable",
            "gsm",
            "cellulaire",
            "phone number",
        ],
    ),
    (
        ImportField::PostalCode,
        &[
            "code postal",
            "cp",
            "postal code",
            "zip",
            "zip code",
            "postcode",
        ],
    ),
    (
        ImportField::City,
        &["ville", "city", "commune", "localite", "town"],
    ),
    (
        ImportField::Address,
        &["adresse", "address", "rue", "adresse postale", "street"],
    ),
    (
        ImportField::Points,
        &[
            "points",
            "solde",
            "solde points",
            "balance",
            "points balance",
            "points fidelite",
            "fidelite",
            "loyalty points",
            "cagnotte",
        ],
    ),
    (
        ImportField::Note,
        &[
            "note",
            "notes",
            "commentaire",
            "commentaires",
            "remarque",
            "remarques",
            "comment",
            "comments",
        ],
    ),
    (
        ImportField::LastName,
        &[
            "nom",
            "nom de famille",
            "last name",
            "lastname",
            "surname",
            "family name",
            "name",
        ],
    ),
];

/// Each column's field, guessed from its header: the header itself, else a known header among
/// its words ("Téléphone portable" is a phone). A field goes to its first column only.
pub fn guess_mapping(headers: &[String]) -> Vec<ImportField> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|header| {
            let field = guess_field(header);
            if field == ImportField::Ignore || taken.contains(&field) {
                return ImportField::Ignore;
            }
            taken.push(field);
            field
        })
        .collect()
}

fn guess_field(header: &str) -> ImportField {
    let words = normalize(header);
    let exact = HEADERS
        .iter()
        .find(|(_, names)| names.contains(&words.as_str()));
    let within = || {
        let padded = format!(" {words} ");
        HEADERS.iter().find(|(_, names)| {
            names
                .iter()
                .any(|name| name.len() > 2 && padded.contains(&format!(" {name} ")))
        })
    };
    exact
        .or_else(within)
        .map_or(ImportField::Ignore, |(field, _)| *field)
}

/// A row that passed the rules: the client, and what comes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRow {
    pub client: ValidClient,
    /// Points from the previous system, written as one opening entry.
    pub opening_points: i64,
    pub consents: Vec<(ConsentChannel, DateTime<Utc>)>,
    /// The day the client accepted the programme's terms.
    pub terms_accepted: Option<DateTime<Utc>>,
}

/// The row under the client form's rules, every problem at once.
pub fn check_row(
    cells: &[String],
    mapping: &[ImportField],
    today: NaiveDate,
    home: Country,
) -> Result<CheckedRow, FieldErrors> {
    let cell = |wanted: ImportField| {
        mapping
            .iter()
            .position(|field| *field == wanted)
            .and_then(|column| cells.get(column))
            .map(String::as_str)
            .unwrap_or("")
    };
    let form = ClientForm {
        civility: civility(cell(ImportField::Civility)).code().to_owned(),
        first_name: cell(ImportField::FirstName).to_owned(),
        last_name: cell(ImportField::LastName).to_owned(),
        email: cell(ImportField::Email).to_owned(),
        phone: phone(cell(ImportField::Phone), home),
        address: cell(ImportField::Address).to_owned(),
        postal_code: cell(ImportField::PostalCode).to_owned(),
        city: cell(ImportField::City).to_owned(),
        country: String::new(),
        birth_date: match cell(ImportField::BirthDate) {
            "" => String::new(),
            typed => read_date(typed).map_or_else(
                // Left as typed: the form's rule refuses it with its own message.
                || typed.to_owned(),
                |date| date.format("%Y-%m-%d").to_string(),
            ),
        },
        note: cell(ImportField::Note).to_owned(),
    };
    let mut errors = FieldErrors::default();
    let client = match form.validate(today, home) {
        Ok(client) => Some(client),
        Err(AppError::Invalid(problems)) => {
            errors = problems;
            None
        }
        Err(_) => {
            errors.add("file", FieldProblem::Malformed);
            None
        }
    };
    let opening_points = match opening_points(cell(ImportField::Points)) {
        Ok(points) => points,
        Err(problem) => {
            errors.add("points", problem);
            0
        }
    };
    let consents = [
        (ConsentChannel::Email, ImportField::EmailConsent),
        (ConsentChannel::Sms, ImportField::SmsConsent),
    ]
    .into_iter()
    .filter_map(|(channel, field)| Some((channel, given_on(cell(field), today)?)))
    .collect();
    let terms_accepted = given_on(cell(ImportField::TermsAccepted), today);
    match client {
        Some(client) if errors.is_empty() => Ok(CheckedRow {
            client,
            opening_points,
            consents,
            terms_accepted,
        }),
        _ => Err(errors),
    }
}

/// An agreement counts only with the day it was given ("oui" alone proves nothing), not after
/// today; at noon, so the day reads the same in any zone of the shop's.
fn given_on(typed: &str, today: NaiveDate) -> Option<DateTime<Utc>> {
    let day = read_date(typed).filter(|day| *day <= today)?;
    Some(day.and_hms_opt(12, 0, 0)?.and_utc())
}

fn civility(typed: &str) -> Civility {
    match normalize(typed).as_str() {
        "mme" | "madame" | "mrs" | "ms" | "mlle" | "mademoiselle" | "f" => Civility::Madame,
        "m" | "mr" | "monsieur" | "h" => Civility::Monsieur,
        _ => Civility::Unspecified,
    }
}

/// A spreadsheet stores `06 12 34 56 78` as the number 612345678: when the number is not
/// valid as written, the same digits after a `0` are tried.
fn phone(typed: &str, home: Country) -> String {
    let digits_only = !typed.is_empty()
        && typed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'));
    if digits_only
        && !typed.starts_with('0')
        && normalize_phone_in(typed, home).is_err()
        && normalize_phone_in(&format!("0{typed}"), home).is_ok()
    {
        format!("0{typed}")
    } else {
        typed.to_owned()
    }
}

/// `12/03/1985`, `12-03-1985`, `12.03.1985`, `1985-03-12`, and the same followed by a time, as
/// spreadsheets write dates.
pub fn read_date(typed: &str) -> Option<NaiveDate> {
    let day = typed.split_whitespace().next()?;
    ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
        .into_iter()
        .find_map(|format| NaiveDate::parse_from_str(day, format).ok())
}

/// A whole number of points, `1 200` as French writes it; nothing is zero.
fn opening_points(typed: &str) -> Result<i64, FieldProblem> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    if digits.is_empty() {
        return Ok(0);
    }
    let out_of_range = FieldProblem::NumberOutOfRange {
        min: 0,
        max: MAX_OPENING_POINTS,
    };
    match digits.parse::<i64>() {
        Ok(points) if (0..=MAX_OPENING_POINTS).contains(&points) => Ok(points),
        _ => Err(out_of_range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|cell| (*cell).to_owned()).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
    }

    #[test]
    fn french_and_english_headers_find_their_fields() {
        let mapping = guess_mapping(&strings(&[
            "Civilité",
            "NOM",
            "Prénom",
            "Téléphone portable",
            "E-mail",
            "Code postal",
            "Ville",
            "Date de naissance",
            "Solde points",
            "Consentement e-mail",
            "Couleur préférée",
            "Nom",
            "Mode de règlement",
            "Règlement accepté le",
        ]));
        assert_eq!(
            mapping,
            [
                ImportField::Civility,
                ImportField::LastName,
                ImportField::FirstName,
                ImportField::Phone,
                ImportField::Email,
                ImportField::PostalCode,
                ImportField::City,
                ImportField::BirthDate,
                ImportField::Points,
                ImportField::EmailConsent,
                ImportField::Ignore,
                // The second "Nom" column is not taken twice.
                ImportField::Ignore,
                // A payment is no acceptance of the terms.
                ImportField::Ignore,
                ImportField::TermsAccepted,
            ]
        );
        let english = guess_mapping(&strings(&[
            "First name",
            "Last Name",
            "Phone number",
            "ZIP",
        ]));
        assert_eq!(
            english,
            [
                ImportField::FirstName,
                ImportField::LastName,
                ImportField::Phone,
                ImportField::PostalCode
            ]
        );
    }

    #[test]
    fn a_row_is_read_as_files_really_write_it() {
        let mapping = [
            ImportField::LastName,
            ImportField::FirstName,
            ImportField::Phone,
            ImportField::BirthDate,
            ImportField::Points,
            ImportField::EmailConsent,
            ImportField::SmsConsent,
            ImportField::TermsAccepted,
        ];
        let row = check_row(
            &strings(&[
                "Morel",
                "Léa",
                "612345678",
                "12/03/1985",
                "1 200",
                "05/06/2024",
                "oui",
                "07/06/2024",
            ]),
            &mapping,
            today(),
            Country::France,
        )
        .expect("valid");
        assert_eq!(row.client.phone.as_deref(), Some("+33612345678"));
        assert_eq!(row.client.birth_date, NaiveDate::from_ymd_opt(1985, 3, 12));
        assert_eq!(row.opening_points, 1200);
        // The SMS consent has no date: not imported.
        assert_eq!(row.consents.len(), 1);
        assert_eq!(row.consents[0].0, ConsentChannel::Email);
        assert_eq!(
            row.terms_accepted.map(|at| at.date_naive()),
            NaiveDate::from_ymd_opt(2024, 6, 7)
        );
        assert_eq!(row.client.civility, Civility::Unspecified);
    }

    #[test]
    fn every_problem_of_a_row_is_given_at_once() {
        let mapping = [
            ImportField::LastName,
            ImportField::Email,
            ImportField::BirthDate,
            ImportField::Points,
        ];
        let problems = check_row(
            &strings(&["Morel", "pas-un-mail", "31/02/1990", "-5"]),
            &mapping,
            today(),
            Country::France,
        )
        .expect_err("invalid");
        let fields: Vec<&str> = problems.0.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(fields, ["first_name", "email", "birth_date", "points"]);
    }
}
