//! Who is signed in, as the pages see it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Owner,
    Staff,
    /// The platform's support, created by the command line: sees shops, exports or erases a
    /// client on request, never does a shop's work.
    Support,
}

coded!(Role {
    Owner => "owner",
    Staff => "staff",
    Support => "support",
});

impl Role {
    /// The roles an owner gives in the shop's team; support accounts come from the command line.
    pub fn in_shop(self) -> bool {
        matches!(self, Role::Owner | Role::Staff)
    }

    /// The first page after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Owner => super::routes::DASHBOARD,
            Role::Staff => super::routes::CLIENTS,
            Role::Support => "/support",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: i64,
    pub shop_id: i64,
    pub shop_name: String,
    /// IANA name, e.g. `Europe/Paris`: times are shown in the shop's zone.
    pub time_zone: String,
    /// The shop's country: a new client's, unless the form says otherwise.
    #[serde(default)]
    pub country: super::country::Country,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}
