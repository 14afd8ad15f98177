//! A visit's ticket (seed 002): a reference and optional lines — a service or a product, how
//! many, at what price — written on a purchase recorded at the till. The client's page shows
//! the visits with their tickets and the client's favourite services and products; the
//! dashboard the shop's. Shared by the browser, which checks a ticket before sending it, and
//! the server.

use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldErrors, FieldProblem};
use super::fields::{text_field, whole_number};
use super::money::parse_euros;

pub const MAX_TICKET_LINES: usize = 30;
pub const TICKET_REFERENCE_MAX_CHARS: usize = 50;
pub const LINE_LABEL_MAX_CHARS: usize = 100;
pub const MAX_LINE_QUANTITY: i64 = 999;
/// The most one line's unit price may be.
pub const MAX_LINE_EUROS: i64 = 10_000;
/// Favourites shown on a client's page, for services and for products each.
pub const CLIENT_TOP_ITEMS: usize = 3;
/// The shop's best sellers on the dashboard, for services and for products each.
pub const SHOP_TOP_ITEMS: usize = 5;
/// The latest visits a client's page lists with their tickets.
pub const VISITS_SHOWN: u64 = 20;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    /// A service given: a cut, a colour, a delivery.
    #[default]
    Service,
    /// A product sold.
    Product,
}

coded!(LineKind {
    Service => "service",
    Product => "product",
});

/// One line as typed: every field text; a line left blank is no line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLineForm {
    pub kind: LineKind,
    pub label: String,
    /// Empty: one.
    pub quantity: String,
    /// The unit price in euros; optional.
    pub price: String,
}

impl TicketLineForm {
    fn is_blank(&self) -> bool {
        self.label.trim().is_empty()
            && self.quantity.trim().is_empty()
            && self.price.trim().is_empty()
    }
}

/// A ticket as typed for the purchase `entry_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketForm {
    pub entry_id: i64,
    pub reference: String,
    pub lines: Vec<TicketLineForm>,
}

/// One line that passed the rules, as saved and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLine {
    pub kind: LineKind,
    pub label: String,
    pub quantity: i64,
    pub unit_cents: Option<i64>,
}

/// A ticket that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketContent {
    pub reference: String,
    pub lines: Vec<TicketLine>,
}

/// The name of a line's field in errors: `lines.2.label`.
pub fn line_field(index: usize, name: &str) -> String {
    format!("lines.{index}.{name}")
}

impl TicketForm {
    pub fn validate(&self) -> Result<TicketContent, AppError> {
        let mut errors = FieldErrors::default();
        let reference = text_field(
            &mut errors,
            "reference",
            &self.reference,
            false,
            TICKET_REFERENCE_MAX_CHARS,
            false,
        )
        .unwrap_or_default();
        let typed: Vec<(usize, &TicketLineForm)> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, line)| !line.is_blank())
            .collect();
        if typed.len() > MAX_TICKET_LINES {
            errors.add(
                "lines",
                FieldProblem::TooLong {
                    max: MAX_TICKET_LINES,
                },
            );
        }
        let mut lines = Vec::with_capacity(typed.len());
        for (index, line) in typed {
            let label = text_field(
                &mut errors,
                &line_field(index, "label"),
                &line.label,
                true,
                LINE_LABEL_MAX_CHARS,
                false,
            );
            let quantity = match line.quantity.trim() {
                "" => Some(1),
                text => whole_number(
                    &mut errors,
                    &line_field(index, "quantity"),
                    text,
                    1,
                    MAX_LINE_QUANTITY,
                ),
            };
            let unit_cents = match parse_euros(&line.price) {
                Ok(Some(cents)) if cents > MAX_LINE_EUROS * 100 => {
                    errors.add(
                        &line_field(index, "price"),
                        FieldProblem::AmountOutOfRange {
                            max_euros: MAX_LINE_EUROS,
                        },
                    );
                    None
                }
                Ok(cents) => cents,
                Err(problem) => {
                    errors.add(&line_field(index, "price"), problem);
                    None
                }
            };
            if let (Some(label), Some(quantity)) = (label, quantity) {
                lines.push(TicketLine {
                    kind: line.kind,
                    label,
                    quantity,
                    unit_cents,
                });
            }
        }
        if errors.is_empty() && reference.is_empty() && lines.is_empty() {
            errors.add("reference", FieldProblem::EmptyTicket);
        }
        errors.into_result()?;
        Ok(TicketContent { reference, lines })
    }
}

/// A purchase on a client's page, with its ticket if one was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitView {
    pub entry_id: i64,
    /// In the shop's time zone, `23/11/2026 14:05`.
    pub recorded_at: String,
    pub amount_cents: Option<i64>,
    pub points: i64,
    pub ticket: Option<TicketView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub reference: String,
    pub lines: Vec<TicketLine>,
    pub author_name: String,
}

/// A service or product and how many were taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopItem {
    pub label: String,
    pub quantity: i64,
}

/// A client's visits with their tickets, and their favourites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientVisits {
    pub visits: Vec<VisitView>,
    pub top_services: Vec<TopItem>,
    pub top_products: Vec<TopItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: &str, quantity: &str, price: &str) -> TicketLineForm {
        TicketLineForm {
            kind: LineKind::Service,
            label: label.into(),
            quantity: quantity.into(),
            price: price.into(),
        }
    }

    #[test]
    fn blank_lines_are_skipped_and_a_quantity_defaults_to_one() {
        let form = TicketForm {
            entry_id: 1,
            reference: " T-0042 ".into(),
            lines: vec![
                line("Coupe", "", "25"),
                line("", "", ""),
                line("Brushing", "2", ""),
            ],
        };
        let content = form.validate().expect("valid");
        assert_eq!(content.reference, "T-0042");
        assert_eq!(content.lines.len(), 2);
        assert_eq!(
            (content.lines[0].quantity, content.lines[0].unit_cents),
            (1, Some(2500))
        );
        assert_eq!(
            (content.lines[1].quantity, content.lines[1].unit_cents),
            (2, None)
        );
    }

    #[test]
    fn each_line_is_checked_where_it_stands_and_an_empty_ticket_is_refused() {
        let form = TicketForm {
            entry_id: 1,
            reference: String::new(),
            lines: vec![line("Coupe", "0", "abc"), line("", "2", "")],
        };
        let errors = form.validate().unwrap_err();
        let errors = errors.field_errors().expect("field errors");
        assert_eq!(
            errors.get("lines.0.quantity"),
            Some(&FieldProblem::NumberOutOfRange {
                min: 1,
                max: MAX_LINE_QUANTITY
            })
        );
        assert_eq!(
            errors.get("lines.0.price"),
            Some(&FieldProblem::InvalidAmount)
        );
        assert_eq!(errors.get("lines.1.label"), Some(&FieldProblem::Required));
        let empty = TicketForm {
            entry_id: 1,
            ..TicketForm::default()
        };
        assert_eq!(
            empty.validate(),
            Err(AppError::invalid("reference", FieldProblem::EmptyTicket))
        );
    }
}
