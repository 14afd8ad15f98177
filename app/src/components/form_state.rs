//! One request at a time from a form: a double tap sends once, the button shows it is busy, and
//! the last error stays for the page to show.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use uuid::Uuid;

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
        self.send_or(request, on_success, |_| {});
    }

    /// As `send`, and `on_failure` sees the failure before it is kept in `error`.
    pub fn send_or<T, Request, Answer>(
        self,
        request: Request,
        on_success: impl FnOnce(T) + 'static,
        on_failure: impl FnOnce(&AppError) + 'static,
    ) where
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
                Err(failure) => {
                    on_failure(&failure);
                    self.error.set(Some(failure));
                }
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

/// The idempotency key of one operation at the till, made in the browser: a double tap or a
/// retried request is recorded once.
#[derive(Clone, Copy)]
pub struct OperationKey(StoredValue<Uuid>);

impl OperationKey {
    pub fn new() -> Self {
        Self(StoredValue::new(Uuid::new_v4()))
    }

    pub fn current(self) -> Uuid {
        self.0.get_value()
    }

    /// The operation is over: the next one gets a new key.
    pub fn renew(self) {
        self.0.set_value(Uuid::new_v4());
    }

    /// After a lost connection the same key is kept, since the request may have been recorded;
    /// any other answer means nothing was, so the next try is a new operation.
    pub fn after_failure(self, failure: &AppError) {
        if !matches!(failure, AppError::Communication(_)) {
            self.renew();
        }
    }
}

impl Default for OperationKey {
    fn default() -> Self {
        Self::new()
    }
}
