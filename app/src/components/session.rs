//! Who is signed in, fetched once for the whole app and refreshed after login and logout.

use leptos::prelude::*;

use crate::api::auth::signed_in_user;
use crate::model::auth::CurrentUser;
use crate::model::error::AppError;

#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    version: RwSignal<u32>,
}

impl Session {
    /// Asks the server again, e.g. after login.
    pub fn refresh(&self) {
        self.version.update(|version| *version += 1);
    }
}

pub fn provide_session() {
    let version = RwSignal::new(0u32);
    let user = Resource::new(move || version.get(), |_| signed_in_user());
    provide_context(Session { user, version });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
