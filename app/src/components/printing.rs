//! Printing one thing of a page: the stylesheet's print rules show only what `<html
//! data-print>` names (a member or gift card, or the technical sheet marked `print-target`).

use leptos::prelude::*;

/// What a page prints.
#[derive(Clone, Copy)]
pub enum Printed {
    MemberCard,
    TechnicalSheet,
    /// In the member card's format (its page holds no member card).
    GiftCard,
}

pub fn print(what: Printed) {
    let name = match what {
        Printed::MemberCard | Printed::GiftCard => "card",
        Printed::TechnicalSheet => "sheet",
    };
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-print", name);
    }
    let _ = window().print();
}
