//! E-mails the owner writes to the clients who agreed to them: who gets one (the segment), the
//! text with the client's own fields in it, and what the campaign pages show. The text's fields
//! are read here for the browser's preview and the server's sending alike.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::text_field;

pub const SUBJECT_MAX_CHARS: usize = 150;
pub const BODY_MAX_CHARS: usize = 10_000;
/// "Not come for N days": from a day to ten years.
pub const LAPSED_DAYS_MIN: i64 = 1;
pub const LAPSED_DAYS_MAX: i64 = 3_650;
pub const CAMPAIGN_PAGE_SIZE: u64 = 50;

/// Who a campaign goes to, among the clients whose e-mail consent is granted when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    AllConsenting,
    /// Clients with this tag or in this group.
    Label(i64),
    /// Clients with no visit for this many days (never seen: enrolled that long ago).
    Lapsed(i64),
}

impl Segment {
    /// How the campaign keeps it: `all`, `label:12`, `lapsed:90`.
    pub fn code(self) -> String {
        match self {
            Self::AllConsenting => "all".to_owned(),
            Self::Label(label_id) => format!("label:{label_id}"),
            Self::Lapsed(days) => format!("lapsed:{days}"),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.split_once(':') {
            None if code == "all" => Some(Self::AllConsenting),
            Some(("label", id)) => id.parse().ok().map(Self::Label),
            Some(("lapsed", days)) => days.parse().ok().map(Self::Lapsed),
            _ => None,
        }
    }
}

/// The segment as the form gives it: a kind, and the label or the days it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentForm {
    /// `all`, `label` or `lapsed`.
    pub kind: String,
    pub label_id: Option<i64>,
    pub days: String,
}

impl SegmentForm {
    pub fn read(&self, errors: &mut FieldErrors) -> Option<Segment> {
        match self.kind.as_str() {
            "all" => Some(Segment::AllConsenting),
            "label" => match self.label_id {
                Some(label_id) => Some(Segment::Label(label_id)),
                None => {
                    errors.add("label", FieldProblem::Required);
                    None
                }
            },
            "lapsed" => super::fields::whole_number(
                errors,
                "days",
                &self.days,
                LAPSED_DAYS_MIN,
                LAPSED_DAYS_MAX,
            )
            .map(Segment::Lapsed),
            _ => {
                errors.add("segment", FieldProblem::InvalidChoice);
                None
            }
        }
    }
}

/// What the owner wrote, and to whom.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignForm {
    pub subject: String,
    pub body: String,
    pub segment: SegmentForm,
}

/// A campaign as it will be kept: trimmed text with known fields only, and its segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignText {
    pub subject: String,
    pub body: String,
    pub segment: Segment,
}

/// A subject and a message for `kind`: trimmed, within their lengths, with only the fields that
/// kind of e-mail fills; the problems are added to `errors`.
fn read_text(
    errors: &mut FieldErrors,
    kind: MailKind,
    subject: &str,
    body: &str,
) -> Option<(String, String)> {
    let subject = text_field(errors, "subject", subject, true, SUBJECT_MAX_CHARS, false);
    let body = text_field(errors, "body", body, true, BODY_MAX_CHARS, true);
    for (field, text) in [("subject", &subject), ("body", &body)] {
        if let Some(unknown) = text
            .as_deref()
            .and_then(|text| first_unknown_field(text, kind))
        {
            errors.add(
                field,
                FieldProblem::UnknownMailField {
                    name: unknown.to_owned(),
                    fields: kind
                        .fields()
                        .iter()
                        .map(|field| field.code().to_owned())
                        .collect(),
                },
            );
        }
    }
    Some((subject?, body?.replace("\r\n", "\n")))
}

impl CampaignForm {
    pub fn validate(&self) -> Result<CampaignText, AppError> {
        let mut errors = FieldErrors::default();
        let text = read_text(&mut errors, MailKind::Campaign, &self.subject, &self.body);
        let segment = self.segment.read(&mut errors);
        errors.into_result()?;
        match (text, segment) {
            (Some((subject, body)), Some(segment)) => Ok(CampaignText {
                subject,
                body,
                segment,
            }),
            _ => Err(AppError::Internal),
        }
    }
}

/// An e-mail the app sends by itself, as the owner sets it: on or off, and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationForm {
    pub kind: MailKind,
    pub enabled: bool,
    pub subject: String,
    pub body: String,
}

/// The same, checked; also what the page shows (the shop's text, or the one it starts from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationView {
    pub kind: MailKind,
    pub enabled: bool,
    pub subject: String,
    pub body: String,
}

impl AutomationForm {
    pub fn validate(&self) -> Result<AutomationView, AppError> {
        if !self.kind.is_automatic() {
            return Err(AppError::invalid("kind", FieldProblem::InvalidChoice));
        }
        let mut errors = FieldErrors::default();
        let text = read_text(&mut errors, self.kind, &self.subject, &self.body);
        errors.into_result()?;
        let (subject, body) = text.ok_or(AppError::Internal)?;
        Ok(AutomationView {
            kind: self.kind,
            enabled: self.enabled,
            subject,
            body,
        })
    }
}

/// The values a text may hold, written `{prenom}`: the client's, and the reward's in the
/// e-mails about a reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailField {
    FirstName,
    LastName,
    Points,
    Shop,
    Reward,
    ValidUntil,
}

coded!(MailField {
    FirstName => "prenom",
    LastName => "nom",
    Points => "points",
    Shop => "boutique",
    Reward => "recompense",
    ValidUntil => "expiration",
});

/// One client's values for the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailValues {
    pub first_name: String,
    pub last_name: String,
    pub points: i64,
    pub shop: String,
    /// The reward's name, in an e-mail about a reward.
    pub reward: String,
    /// Its last day (`31/12/2026`), or "aucune".
    pub valid_until: String,
}

impl MailValues {
    fn of(&self, field: MailField) -> String {
        match field {
            MailField::FirstName => self.first_name.clone(),
            MailField::LastName => self.last_name.clone(),
            MailField::Points => self.points.to_string(),
            MailField::Shop => self.shop.clone(),
            MailField::Reward => self.reward.clone(),
            MailField::ValidUntil => self.valid_until.clone(),
        }
    }
}

/// Each `{word}` of the text: its place and the word. Braces around anything else (spaces, a
/// line) are plain text.
fn fields_in(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    text.match_indices('{').filter_map(move |(start, _)| {
        let rest = &text[start + 1..];
        let end = rest.find('}')?;
        let word = &rest[..end];
        (!word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .then_some((start..start + end + 2, word))
    })
}

fn first_unknown_field(text: &str, kind: MailKind) -> Option<&str> {
    fields_in(text).map(|(_, word)| word).find(|word| {
        MailField::from_code(&word.to_lowercase())
            .is_none_or(|field| !kind.fields().contains(&field))
    })
}

/// The text with each field replaced by the client's value.
pub fn fill(text: &str, values: &MailValues) -> String {
    let mut filled = String::with_capacity(text.len());
    let mut copied = 0;
    for (place, word) in fields_in(text) {
        if let Some(field) = MailField::from_code(&word.to_lowercase()) {
            filled.push_str(&text[copied..place.start]);
            filled.push_str(&values.of(field));
            copied = place.end;
        }
    }
    filled.push_str(&text[copied..]);
    filled
}

/// Why a message is sent: a campaign the owner wrote, or one the app sends by itself once the
/// owner switched it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    Campaign,
    /// To a client newly enrolled.
    Welcome,
    /// On the client's birthday.
    Birthday,
    /// When the client earned a reward.
    RewardEarned,
    /// A week before an earned reward expires.
    RewardExpiring,
}

coded!(MailKind {
    Campaign => "campaign",
    Welcome => "welcome",
    Birthday => "birthday",
    RewardEarned => "reward_earned",
    RewardExpiring => "reward_expiring",
});

/// A client's fields, in every e-mail.
const CLIENT_FIELDS: &[MailField] = &[
    MailField::FirstName,
    MailField::LastName,
    MailField::Points,
    MailField::Shop,
];
/// A reward's too, in the e-mails about one.
const REWARD_FIELDS: &[MailField] = &[
    MailField::FirstName,
    MailField::LastName,
    MailField::Points,
    MailField::Shop,
    MailField::Reward,
    MailField::ValidUntil,
];

impl MailKind {
    pub const AUTOMATIC: [MailKind; 4] = [
        Self::Welcome,
        Self::Birthday,
        Self::RewardEarned,
        Self::RewardExpiring,
    ];

    pub fn is_automatic(self) -> bool {
        self != Self::Campaign
    }

    /// The fields its text may hold.
    pub fn fields(self) -> &'static [MailField] {
        match self {
            Self::RewardEarned | Self::RewardExpiring => REWARD_FIELDS,
            Self::Campaign | Self::Welcome | Self::Birthday => CLIENT_FIELDS,
        }
    }

    /// The subject and text an automatic e-mail starts with; the owner may rewrite them.
    pub fn default_text(self) -> (&'static str, &'static str) {
        match self {
            Self::Campaign => ("", ""),
            Self::Welcome => (
                "Bienvenue chez {boutique}",
                "Bonjour {prenom},\n\nMerci d'avoir rejoint le programme de fidélité de \
                 {boutique}. Vous avez {points} points : à chaque passage, ils s'ajoutent.\n\n\
                 À bientôt !",
            ),
            Self::Birthday => (
                "Joyeux anniversaire, {prenom} !",
                "Bonjour {prenom},\n\nToute l'équipe de {boutique} vous souhaite un joyeux \
                 anniversaire !\n\nÀ bientôt !",
            ),
            Self::RewardEarned => (
                "Une récompense vous attend chez {boutique}",
                "Bonjour {prenom},\n\nBonne nouvelle : vous avez obtenu « {recompense} ». \
                 Date limite : {expiration}.\n\nÀ bientôt !",
            ),
            Self::RewardExpiring => (
                "Votre récompense expire bientôt",
                "Bonjour {prenom},\n\nVotre récompense « {recompense} » expire le \
                 {expiration} : passez nous voir pour en profiter !\n\n{boutique}",
            ),
        }
    }
}

/// How many days before its end a reward's reminder leaves.
pub const EXPIRY_REMINDER_DAYS: i64 = 7;

/// What happened to one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailStatus {
    Queued,
    /// Handed to the mail server now; a message still so after a restart is marked failed,
    /// never sent again.
    Sending,
    Sent,
    Failed,
    /// The client's e-mail consent was withdrawn before the message left.
    Unsubscribed,
    /// The client's file was erased or merged, or lost its e-mail address, before it left.
    Skipped,
}

coded!(MailStatus {
    Queued => "queued",
    Sending => "sending",
    Sent => "sent",
    Failed => "failed",
    Unsubscribed => "unsubscribed",
    Skipped => "skipped",
});

/// How many messages of a campaign are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailCounts {
    /// Queued or being handed over.
    pub waiting: u64,
    pub sent: u64,
    pub failed: u64,
    pub unsubscribed: u64,
    pub skipped: u64,
}

impl MailCounts {
    pub fn add(&mut self, status: MailStatus, count: u64) {
        match status {
            MailStatus::Queued | MailStatus::Sending => self.waiting += count,
            MailStatus::Sent => self.sent += count,
            MailStatus::Failed => self.failed += count,
            MailStatus::Unsubscribed => self.unsubscribed += count,
            MailStatus::Skipped => self.skipped += count,
        }
    }

    pub fn total(&self) -> u64 {
        self.waiting + self.sent + self.failed + self.unsubscribed + self.skipped
    }
}

/// A tag or a group a campaign can go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentLabel {
    pub id: i64,
    pub name: String,
    pub is_group: bool,
}

/// A campaign in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    pub id: i64,
    pub subject: String,
    pub segment: Segment,
    /// The tag's or group's name, for a label segment.
    pub label_name: Option<String>,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub created_at: String,
    pub author_name: String,
    pub counts: MailCounts,
}

/// The campaigns page: what was sent, the labels a new one can go to, and the automatic e-mails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignList {
    pub campaigns: Vec<CampaignSummary>,
    pub labels: Vec<SegmentLabel>,
    pub automations: Vec<AutomationView>,
}

/// The text as one client of the segment will read it, and how many will get it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignPreview {
    pub recipients: u64,
    /// The client whose values fill the preview: the segment's first, if any.
    pub client_name: Option<String>,
    pub subject: String,
    pub body: String,
}

/// One message: a campaign's recipient, or an automatic e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailLine {
    pub kind: MailKind,
    pub client_id: i64,
    pub client_name: String,
    pub status: MailStatus,
    /// When it left or failed, in the shop's time zone.
    pub finished_at: Option<String>,
    pub error: Option<String>,
}

/// A campaign's page: its text and each recipient's message, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub summary: CampaignSummary,
    pub body: String,
    pub page: u64,
    pub lines: Vec<MailLine>,
}

/// The automatic e-mails queued and sent, newest first, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomaticMailLog {
    pub page: u64,
    pub total: u64,
    pub lines: Vec<MailLine>,
}

/// What the unsubscribe page shows a client who followed an e-mail's link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeView {
    pub shop_name: String,
    /// The address, partly hidden: the link may have been forwarded.
    pub masked_email: String,
    /// Whether the shop may still write: false once unsubscribed.
    pub subscribed: bool,
}

/// `lea.martin@example.fr` → `l•••@example.fr`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> MailValues {
        MailValues {
            first_name: "Léa".to_owned(),
            last_name: "Martin".to_owned(),
            points: 120,
            shop: "Boulangerie du Port".to_owned(),
            ..MailValues::default()
        }
    }

    #[test]
    fn fields_are_filled_and_other_braces_kept() {
        assert_eq!(
            fill(
                "Bonjour {prenom} {NOM}, {points} points chez {boutique}.",
                &values()
            ),
            "Bonjour Léa Martin, 120 points chez Boulangerie du Port."
        );
        assert_eq!(fill("{ prenom } {} {", &values()), "{ prenom } {} {");
        assert_eq!(fill("{{prenom}}", &values()), "{Léa}");
    }

    #[test]
    fn an_unknown_field_is_refused_next_to_its_text() {
        let form = CampaignForm {
            subject: "Pour {prenom}".to_owned(),
            body: "Bonjour {prénom_client}".to_owned(),
            segment: SegmentForm {
                kind: "all".to_owned(),
                ..SegmentForm::default()
            },
        };
        let Err(AppError::Invalid(errors)) = form.validate() else {
            panic!("accepted an unknown field");
        };
        assert_eq!(
            errors.get("body"),
            Some(&FieldProblem::UnknownMailField {
                name: "prénom_client".to_owned(),
                fields: vec![
                    "prenom".to_owned(),
                    "nom".to_owned(),
                    "points".to_owned(),
                    "boutique".to_owned()
                ],
            })
        );
        assert_eq!(errors.get("subject"), None);
        // A reward's fields belong to the e-mails about a reward.
        let reminder = AutomationForm {
            kind: MailKind::RewardExpiring,
            enabled: true,
            subject: "{recompense} expire le {expiration}".to_owned(),
            body: "Bonjour {prenom}".to_owned(),
        };
        assert!(reminder.validate().is_ok());
        let campaign = CampaignForm {
            body: "Votre {recompense}".to_owned(),
            ..form
        };
        assert!(campaign.validate().is_err());
    }

    #[test]
    fn every_automatic_mail_starts_with_a_valid_text() {
        for kind in MailKind::AUTOMATIC {
            let (subject, body) = kind.default_text();
            let form = AutomationForm {
                kind,
                enabled: false,
                subject: subject.to_owned(),
                body: body.to_owned(),
            };
            assert!(form.validate().is_ok(), "{kind:?}");
        }
        let campaign = AutomationForm {
            kind: MailKind::Campaign,
            enabled: true,
            subject: "x".to_owned(),
            body: "y".to_owned(),
        };
        assert!(campaign.validate().is_err());
    }

    #[test]
    fn segments_read_from_the_form_and_keep_their_code() {
        let read = |kind: &str, label_id: Option<i64>, days: &str| {
            let mut errors = FieldErrors::default();
            let segment = SegmentForm {
                kind: kind.to_owned(),
                label_id,
                days: days.to_owned(),
            }
            .read(&mut errors);
            (segment, errors)
        };
        assert_eq!(read("lapsed", None, " 90 ").0, Some(Segment::Lapsed(90)));
        assert_eq!(read("label", Some(4), "").0, Some(Segment::Label(4)));
        assert!(read("lapsed", None, "0").1.get("days").is_some());
        assert!(read("label", None, "").1.get("label").is_some());
        assert!(read("everyone", None, "").1.get("segment").is_some());
        for segment in [
            Segment::AllConsenting,
            Segment::Label(12),
            Segment::Lapsed(30),
        ] {
            assert_eq!(Segment::from_code(&segment.code()), Some(segment));
        }
        assert_eq!(Segment::from_code("label:x"), None);
    }

    #[test]
    fn an_address_is_shown_half_hidden() {
        assert_eq!(mask_email("lea.martin@example.fr"), "l•••@example.fr");
        assert_eq!(mask_email(""), "•••");
    }
}
