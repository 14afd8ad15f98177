//! Requests sent as one types: only the answer to the newest is shown, and an answer that
//! arrives after the page was left is dropped instead of touching what no longer exists.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct LatestRequest(StoredValue<u64>);

impl LatestRequest {
    pub fn new() -> Self {
        Self(StoredValue::new(0))
    }

    /// The number of a new request; it is the latest until the next one starts.
    pub fn start(self) -> u64 {
        self.0
            .try_update_value(|latest| {
                *latest += 1;
                *latest
            })
            .unwrap_or(0)
    }

    /// Whether `number` is still the newest request and its page still there.
    pub fn is_latest(self, number: u64) -> bool {
        self.0.try_get_value() == Some(number)
    }
}

impl Default for LatestRequest {
    fn default() -> Self {
        Self::new()
    }
}
