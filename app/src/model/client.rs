//! Clients as the pages and server functions exchange them, and the form rules both sides check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::country::Country;
pub use super::error::SharedContact;
use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::{is_valid_email, text_field};
use super::labels::Label;
use super::phone::normalize_phone_in;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_NOTE_CHARS: usize = 2000;
/// How many rows a search returns; the total count tells how many more matched.
pub const SEARCH_PAGE_SIZE: u64 = 50;
/// Counting stops here: "1 000+" is as useful at the till as an exact figure, and much faster.
pub const SEARCH_COUNT_CAP: u64 = 1000;

/// CJEU C-394/23: a shop may not force a gender choice, so "not specified" is a real answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Civility {
    Madame,
    Monsieur,
    Unspecified,
}

impl Civility {
    pub const ALL: [Civility; 3] = [Civility::Madame, Civility::Monsieur, Civility::Unspecified];

    pub fn code(self) -> &'static str {
        match self {
            Civility::Madame => "mme",
            Civility::Monsieur => "m",
            Civility::Unspecified => "nc",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|civility| civility.code() == code)
    }
}

/// The client form as typed: every field a string, exactly what the browser holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientForm {
    pub civility: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    /// The country's code (`FR`, `BE`); empty means the shop's own country.
    #[serde(default)]
    pub country: String,
    pub birth_date: String,
    pub note: String,
}

/// A form that passed every rule, with values in their stored shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidClient {
    pub civility: Civility,
    pub first_name: String,
    pub last_name: String,
    /// Empty when the client gave only a phone number.
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// In the country's written form (`01000`, `L-1234`, `1012 AB`).
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Country,
    pub birth_date: Option<NaiveDate>,
    pub note: Option<String>,
}

impl ClientForm {
    /// Checks every rule and returns all problems at once, so each field shows its own message.
    /// `home` is the shop's country: the client's when the form names none.
    pub fn validate(&self, today: NaiveDate, home: Country) -> Result<ValidClient, AppError> {
        let mut errors = FieldErrors::default();
        let country = match self.country.trim() {
            "" => home,
            code => Country::from_code(code).unwrap_or_else(|| {
                errors.add("country", FieldProblem::InvalidChoice);
                home
            }),
        };
        let civility = match self.civility.trim() {
            "" => {
                errors.add("civility", FieldProblem::Required);
                None
            }
            code => Civility::from_code(code).or_else(|| {
                errors.add("civility", FieldProblem::InvalidChoice);
                None
            }),
        };
        let first_name = text_field(
            &mut errors,
            "first_name",
            &self.first_name,
            true,
            MAX_NAME_CHARS,
            false,
        );
        let last_name = text_field(
            &mut errors,
            "last_name",
            &self.last_name,
            true,
            MAX_NAME_CHARS,
            false,
        );
        let email = text_field(
            &mut errors,
            "email",
            &self.email,
            false,
            MAX_EMAIL_CHARS,
            false,
        )
        .map(|email| email.to_lowercase())
        .filter(|email| {
            let valid = is_valid_email(email);
            if !valid {
                errors.add("email", FieldProblem::InvalidEmail);
            }
            valid
        });
        let phone =
            text_field(&mut errors, "phone", &self.phone, false, 40, false).and_then(|phone| {
                normalize_phone_in(&phone, country)
                    .map_err(|_| errors.add("phone", FieldProblem::InvalidPhone))
                    .ok()
            });
        // A client is reached by e-mail or by phone: one of them is enough.
        if self.email.trim().is_empty() && self.phone.trim().is_empty() {
            errors.add("email", FieldProblem::EmailOrPhone);
        }
        let address = text_field(
            &mut errors,
            "address",
            &self.address,
            false,
            MAX_ADDRESS_CHARS,
            false,
        );
        let postal_code = text_field(
            &mut errors,
            "postal_code",
            &self.postal_code,
            false,
            MAX_NAME_CHARS,
            false,
        )
        .and_then(|typed| {
            let written = country.postal_code(&typed);
            if written.is_none() {
                errors.add("postal_code", FieldProblem::InvalidPostalCode { country });
            }
            written
        });
        let city = text_field(
            &mut errors,
            "city",
            &self.city,
            false,
            MAX_NAME_CHARS,
            false,
        );
        let birth_date = match self.birth_date.trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) if date > today => {
                    errors.add("birth_date", FieldProblem::DateInFuture);
                    None
                }
                Ok(date) if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(date) => {
                    errors.add("birth_date", FieldProblem::InvalidDate);
                    None
                }
                Ok(date) => Some(date),
                Err(_) => {
                    errors.add("birth_date", FieldProblem::InvalidDate);
                    None
                }
            },
        };
        let note = text_field(&mut errors, "note", &self.note, false, MAX_NOTE_CHARS, true);
        errors.into_result()?;
        match (civility, first_name, last_name) {
            (Some(civility), Some(first_name), Some(last_name)) => Ok(ValidClient {
                civility,
                first_name,
                last_name,
                email: email.unwrap_or_default(),
                phone,
                address,
                postal_code,
                city,
                country,
                birth_date,
                note,
            }),
            // Unreachable: a missing required value always adds an error above.
            _ => Err(AppError::invalid("form", FieldProblem::Required)),
        }
    }
}

/// One line of the clients list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRow {
    pub id: i64,
    pub civility: Civility,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Shown form, e.g. `06 12 34 56 78`.
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    #[serde(default)]
    pub country: Country,
    pub points_balance: i64,
    /// Store credit in cents ("avoirs"), shown when there is some.
    #[serde(default)]
    pub credit_cents: i64,
    /// Last visit in the shop's time zone, `23/11/2026`.
    pub last_visit: Option<String>,
    /// Tags and groups, by name; filled where the page shows them.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// The reward to claim first (soonest to expire), where the list and the till show it.
    #[serde(default)]
    pub waiting_reward: Option<WaitingReward>,
}

/// A reward a client can claim now, as the list card offers it in one tap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingReward {
    pub earned_id: i64,
    pub name: String,
    /// How many rewards wait in all, this one included.
    pub waiting: u32,
}

/// How the clients list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientSort {
    /// Last name, then first name.
    #[default]
    Name,
    /// Most points first.
    Points,
    /// Most recent visit first, clients never seen last.
    LastVisit,
}

coded!(ClientSort {
    Name => "name",
    Points => "points",
    LastVisit => "last_visit",
});

/// What the clients list shows: the search box's text, a tag and a group to keep, the order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientQuery {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub tag: Option<i64>,
    #[serde(default)]
    pub group: Option<i64>,
    #[serde(default)]
    pub sort: ClientSort,
}

impl ClientQuery {
    /// Reads the list's address (`/clients?q=dupont&tag=3&group=2&tri=points`). A value that does
    /// not parse is left out, so an old or hand-edited link still opens the list.
    pub fn from_url(param: impl Fn(&str) -> Option<String>) -> Self {
        let id = |key: &str| param(key).and_then(|value| value.parse::<i64>().ok());
        Self {
            text: param("q").unwrap_or_default(),
            tag: id("tag"),
            group: id("group"),
            sort: param("tri")
                .and_then(|code| ClientSort::from_code(&code))
                .unwrap_or_default(),
        }
    }

    /// The address's pairs, defaults left out: the plain list has the plain address.
    pub fn url_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(tag) = self.tag {
            pairs.push(("tag", tag.to_string()));
        }
        if let Some(group) = self.group {
            pairs.push(("group", group.to_string()));
        }
        if self.sort != ClientSort::default() {
            pairs.push(("tri", self.sort.code().to_owned()));
        }
        pairs
    }
}

impl ClientRow {
    pub fn full_name(&self) -> String {
        display_name(
            &self.first_name,
            &self.last_name,
            &self.email,
            self.phone.as_deref(),
        )
    }
}

/// How a client is named on screen: first and last name, or while the file is incomplete (a
/// client enrolled at the till with a phone number only) the phone, else the e-mail.
pub fn display_name(first_name: &str, last_name: &str, email: &str, phone: Option<&str>) -> String {
    let name = format!("{first_name} {last_name}").trim().to_owned();
    match (name.is_empty(), phone) {
        (false, _) => name,
        (true, Some(phone)) => phone.to_owned(),
        (true, None) => email.to_owned(),
    }
}

/// Enrolment at the till: the phone number is enough, the first name helps, the rest of the
/// file is completed later.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolForm {
    pub phone: String,
    pub first_name: String,
}

impl EnrolForm {
    /// The client is taken to live in the shop's country, `home`, until the file says otherwise.
    pub fn validate(&self, home: Country) -> Result<ValidClient, AppError> {
        let mut errors = FieldErrors::default();
        let phone =
            text_field(&mut errors, "phone", &self.phone, true, 40, false).and_then(|phone| {
                normalize_phone_in(&phone, home)
                    .map_err(|_| errors.add("phone", FieldProblem::InvalidPhone))
                    .ok()
            });
        let first_name = text_field(
            &mut errors,
            "first_name",
            &self.first_name,
            false,
            MAX_NAME_CHARS,
            false,
        );
        errors.into_result()?;
        Ok(ValidClient {
            civility: Civility::Unspecified,
            first_name: first_name.unwrap_or_default(),
            last_name: String::new(),
            email: String::new(),
            phone,
            address: None,
            postal_code: None,
            city: None,
            country: home,
            birth_date: None,
            note: None,
        })
    }
}

/// The answer to a search: the first rows and how many clients matched in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClientSearchPage {
    pub rows: Vec<ClientRow>,
    /// Matching clients, counted up to `SEARCH_COUNT_CAP`.
    pub total: u64,
    /// More clients matched than `total` says: counting stopped there.
    pub capped: bool,
    /// The search was a member card's token (a scanner typed it): what it led to.
    #[serde(default)]
    pub card: Option<crate::model::cards::CardScan>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&'static str, String)]) -> ClientQuery {
        ClientQuery::from_url(crate::model::routes::param_in(pairs))
    }

    #[test]
    fn a_list_address_reads_back_as_the_query_it_was_written_from() {
        let query = ClientQuery {
            text: "dupont & fils".into(),
            tag: Some(3),
            group: Some(7),
            sort: ClientSort::Points,
        };
        let pairs = query.url_pairs();
        assert_eq!(pairs[0], ("q", "dupont & fils".to_owned()));
        assert!(pairs.contains(&("tri", "points".to_owned())));
        assert_eq!(read(&pairs), query);
    }

    #[test]
    fn the_plain_list_has_a_plain_address_and_bad_values_are_left_out() {
        assert!(ClientQuery::default().url_pairs().is_empty());
        let odd = read(&[
            ("tag", "trois".to_owned()),
            ("tri", "hasard".to_owned()),
            ("q", "martin".to_owned()),
        ]);
        assert_eq!(
            odd,
            ClientQuery {
                text: "martin".into(),
                ..ClientQuery::default()
            }
        );
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn complete_form() -> ClientForm {
        ClientForm {
            civility: "mme".into(),
            first_name: " Hélène ".into(),
            last_name: "Dupont".into(),
            email: "Helene.Dupont@Example.fr".into(),
            phone: "06 12 34 56 78".into(),
            postal_code: "01000".into(),
            birth_date: "1980-02-29".into(),
            ..ClientForm::default()
        }
    }

    #[test]
    fn a_phone_without_email_is_enough() {
        let form = ClientForm {
            email: "  ".into(),
            ..complete_form()
        };
        let client = form.validate(today(), Country::France).expect("valid");
        assert_eq!(client.email, "");
        let enrolled = EnrolForm {
            phone: "06 12 34 56 78".into(),
            first_name: String::new(),
        }
        .validate(Country::France)
        .expect("enrolled");
        assert_eq!(enrolled.phone.as_deref(), Some("+33612345678"));
        let missing = EnrolForm::default()
            .validate(Country::France)
            .expect_err("no phone");
        assert_eq!(
            missing
                .field_errors()
                .and_then(|errors| errors.get("phone")),
            Some(&FieldProblem::Required)
        );
    }

    #[test]
    fn an_incomplete_file_is_named_by_its_phone() {
        assert_eq!(display_name("Léa", "", "", None), "Léa");
        assert_eq!(
            display_name("", "", "", Some("06 12 34 56 78")),
            "06 12 34 56 78"
        );
        assert_eq!(
            display_name("", "", "lea@exemple.fr", None),
            "lea@exemple.fr"
        );
    }

    #[test]
    fn a_complete_form_is_normalised() {
        let client = complete_form()
            .validate(today(), Country::France)
            .expect("valid");
        assert_eq!(client.first_name, "Hélène");
        assert_eq!(client.email, "helene.dupont@example.fr");
        assert_eq!(client.phone.as_deref(), Some("+33612345678"));
        assert_eq!(client.postal_code.as_deref(), Some("01000"));
        assert_eq!(client.address, None);
    }

    #[test]
    fn every_missing_required_field_is_reported() {
        let error = ClientForm::default()
            .validate(today(), Country::France)
            .expect_err("invalid");
        let errors = error.field_errors().expect("field errors");
        assert_eq!(errors.get("email"), Some(&FieldProblem::EmailOrPhone));
        for field in ["civility", "first_name", "last_name"] {
            assert_eq!(errors.get(field), Some(&FieldProblem::Required), "{field}");
        }
    }

    #[test]
    fn malformed_optional_fields_are_reported_next_to_each_field() {
        let form = ClientForm {
            phone: "12".into(),
            postal_code: "750001".into(),
            birth_date: "2030-01-01".into(),
            email: "not-an-address".into(),
            note: "bell\u{7}".into(),
            ..complete_form()
        };
        let error = form
            .validate(today(), Country::France)
            .expect_err("invalid");
        let errors = error.field_errors().expect("field errors");
        assert_eq!(errors.get("phone"), Some(&FieldProblem::InvalidPhone));
        assert_eq!(
            errors.get("postal_code"),
            Some(&FieldProblem::InvalidPostalCode {
                country: Country::France
            })
        );
        assert_eq!(errors.get("birth_date"), Some(&FieldProblem::DateInFuture));
        assert_eq!(errors.get("email"), Some(&FieldProblem::InvalidEmail));
        assert_eq!(errors.get("note"), Some(&FieldProblem::ControlCharacters));
    }

    #[test]
    fn civility_not_specified_is_a_valid_choice() {
        let form = ClientForm {
            civility: "nc".into(),
            ..complete_form()
        };
        assert_eq!(
            form.validate(today(), Country::France)
                .expect("valid")
                .civility,
            Civility::Unspecified
        );
    }

    #[test]
    fn a_client_from_abroad_follows_the_rules_of_their_country() {
        let belgian = ClientForm {
            country: "BE".into(),
            phone: "0470 12 34 56".into(),
            postal_code: "1000".into(),
            ..complete_form()
        };
        let client = belgian.validate(today(), Country::France).expect("valid");
        assert_eq!(client.country, Country::Belgium);
        assert_eq!(client.phone.as_deref(), Some("+32470123456"));
        assert_eq!(client.postal_code.as_deref(), Some("1000"));

        let luxembourger = ClientForm {
            country: "LU".into(),
            postal_code: "l 1234".into(),
            ..complete_form()
        };
        let client = luxembourger
            .validate(today(), Country::France)
            .expect("valid");
        assert_eq!(client.postal_code.as_deref(), Some("L-1234"));

        // A French code for a Swiss client is refused, with the Swiss rule named.
        let swiss = ClientForm {
            country: "CH".into(),
            postal_code: "74000".into(),
            ..complete_form()
        };
        let error = swiss
            .validate(today(), Country::France)
            .expect_err("invalid");
        assert_eq!(
            error
                .field_errors()
                .and_then(|errors| errors.get("postal_code")),
            Some(&FieldProblem::InvalidPostalCode {
                country: Country::Switzerland
            })
        );
    }

    #[test]
    fn the_shop_country_is_the_default_and_an_unknown_one_is_refused() {
        let form = ClientForm {
            phone: "0470 12 34 56".into(),
            postal_code: "4000".into(),
            ..complete_form()
        };
        let client = form.validate(today(), Country::Belgium).expect("valid");
        assert_eq!(client.country, Country::Belgium);
        assert_eq!(client.phone.as_deref(), Some("+32470123456"));
        let enrolled = EnrolForm {
            phone: "0470 12 34 56".into(),
            first_name: String::new(),
        }
        .validate(Country::Belgium)
        .expect("enrolled");
        assert_eq!(enrolled.country, Country::Belgium);
        assert_eq!(enrolled.phone.as_deref(), Some("+32470123456"));

        let error = ClientForm {
            country: "ZZ".into(),
            ..complete_form()
        }
        .validate(today(), Country::France)
        .expect_err("invalid");
        assert_eq!(
            error
                .field_errors()
                .and_then(|errors| errors.get("country")),
            Some(&FieldProblem::InvalidChoice)
        );
    }
}
