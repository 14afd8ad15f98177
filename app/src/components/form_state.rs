//! One request at a time from a form: a double tap sends once, the button shows it is busy, and
//! the last error stays for the page to show.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::model::error::AppError;

#[derive(Clone, Copy)]
pub struct FormState {
    pub saving: RwSignal<bool>,
    pub error: RwSignal<Option<AppError>>,
}

impl FormState {
    pub fn new() -> Self {
        Self {
            saving: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Sends `request` unless one is under way; `on_success` gets the answer, a failure is kept
    /// in `error`.
    pub fn send<T, Request, Answer>(self, request: Request, on_success: impl FnOnce(T) + 'static)
    where
        T: 'static,
        Request: FnOnce() -> Answer,
        Answer: Future<Output = Result<T, AppError>> + 'static,
    {
        if self.saving.get_untracked() {
            return;
        }
        self.saving.set(true);
        self.error.set(None);
        let answer = request();
        spawn_local(async move {
            let answer = answer.await;
            self.saving.set(false);
            match answer {
                Ok(value) => on_success(value),
                Err(failure) => self.error.set(Some(failure)),
            }
        });
    }

    /// The error, unless it is about fields: those are shown next to each field.
    pub fn form_error(self) -> Signal<Option<AppError>> {
        let error = self.error;
        Signal::derive(move || error.get().filter(|error| error.field_errors().is_none()))
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}
