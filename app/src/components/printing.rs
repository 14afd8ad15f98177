//! Printing one thing of a page: the stylesheet's print rules show only what `<html
//! data-print>` names (the member card, or the technical sheet marked `print-target`).

use leptos::prelude::*;

/// What a page prints.
#[derive(Clone, Copy)]
pub enum Printed {
    MemberCard,
    TechnicalSheet,
}

pub fn print(what: Printed) {
    let name = match what {
        Printed::MemberCard => "card",
        Printed::TechnicalSheet => "sheet",
    };
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-print", name);
    }
    let _ = window().print();
}
