//! The shop's programme as the till follows it: loaded in the browser once per signed-in page
//! frame, refreshed when a till dialog opens and when the owner changes it. The server decides
//! the points in any case; this lets the till show them before saving.

use leptos::prelude::*;

use crate::api::programme::current_programme;
use crate::i18n::*;
use crate::model::error::AppError;
use crate::model::money::format_euros;
use crate::model::programme::{Earning, EarningRule, ProgrammeView, Rounding};

#[derive(Clone, Copy)]
pub struct TillProgramme {
    loaded: LocalResource<Result<Option<ProgrammeView>, AppError>>,
    /// The last answer, copied out of the resource: a dialog reading the resource itself would
    /// suspend the page around it (and take its focus) each time it reloads.
    earning: RwSignal<Option<Earning>>,
}

pub fn provide_till_programme() {
    let loaded = LocalResource::new(current_programme);
    let earning = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(answer) = loaded.get() {
            // Unreadable (the server out of reach): points typed; the server applies its rule
            // anyway.
            let now = answer
                .ok()
                .flatten()
                .map_or(Earning::ByHand, |programme| programme.earning());
            earning.set(Some(now));
        }
    });
    provide_context(TillProgramme { loaded, earning });
}

pub fn use_till_programme() -> Option<TillProgramme> {
    use_context::<TillProgramme>()
}

impl TillProgramme {
    /// How an earn counts: `None` until first loaded.
    pub fn earning(self) -> Option<Earning> {
        self.earning.get()
    }

    pub fn refresh(self) {
        self.loaded.refetch();
    }
}

/// The rule in one sentence: "2 points par euro entamé, dès 5,00 € d'achat".
pub fn rule_text(i18n: leptos_i18n::I18nContext<Locale>, rule: &EarningRule) -> String {
    match *rule {
        EarningRule::PerEuro {
            points,
            rounding,
            minimum_cents,
        } => {
            let mut text = match rounding {
                Rounding::StartedEuro => t_string!(i18n, programme.rule_per_started_euro, points),
                Rounding::WholeEuro => t_string!(i18n, programme.rule_per_whole_euro, points),
            }
            .to_string();
            if let Some(minimum) = minimum_cents {
                let minimum = format_euros(minimum);
                text.push_str(&t_string!(i18n, programme.rule_minimum, minimum).to_string());
            }
            text
        }
        EarningRule::PerVisit {
            points,
            once_per_day,
        } => {
            let mut text = t_string!(i18n, programme.rule_per_visit, points).to_string();
            if once_per_day {
                text.push_str(t_string!(i18n, programme.rule_once_a_day));
            }
            text
        }
        EarningRule::StampCard { stamps, per_item } => {
            if per_item {
                t_string!(i18n, programme.rule_stamp_per_item, stamps).to_string()
            } else {
                t_string!(i18n, programme.rule_stamp_per_visit, stamps).to_string()
            }
        }
        EarningRule::Manual => t_string!(i18n, programme.rule_manual).to_string(),
    }
}
