//! The addresses written in more than one place (a route, a link on a page, a link in an
//! e-mail), each named once.

pub const LOGIN: &str = "/connexion";
pub const FORGOT_PASSWORD: &str = "/mot-de-passe-oublie";
pub const RESET_PASSWORD: &str = "/reinitialiser-mot-de-passe";
pub const CLIENTS: &str = "/clients";
pub const JOURNAL: &str = "/journal";
pub const PROGRAMME: &str = "/programme";
pub const DASHBOARD: &str = "/tableau-de-bord";
pub const RETENTION: &str = "/clients-inactifs";
pub const API_KEYS: &str = "/cles-api";
/// The owner's client imports; a file is sent to `IMPORT_UPLOAD` (a plain form post).
pub const IMPORTS: &str = "/import-clients";
pub const IMPORT_UPLOAD: &str = "/import-clients/envoi";
/// Downloads (plain links: the browser saves the file).
pub const EXPORT_CLIENTS: &str = "/export/clients";
pub const EXPORT_TRANSACTIONS: &str = "/export/transactions";

/// The query key carrying a reset or invitation token.
pub const TOKEN_KEY: &str = "jeton";

/// The link of a reset or invitation e-mail: it opens the page that sets a new password.
pub fn password_link(public_url: &str, token: &str) -> String {
    format!("{public_url}{RESET_PASSWORD}?{TOKEN_KEY}={token}")
}

/// A client's file.
pub fn client_file(client_id: i64) -> String {
    format!("{CLIENTS}/{client_id}")
}

/// One import: its mapping, preview, progress and summary.
pub fn import_page(import_id: i64) -> String {
    format!("{IMPORTS}/{import_id}")
}

/// The rows an import refused, with why, as a CSV download.
pub fn import_refusals(import_id: i64) -> String {
    format!("{IMPORTS}/{import_id}/refus.csv")
}

/// Reads `key` among an address's pairs, as the router's query map does: for tests of the pages'
/// address formats.
#[cfg(test)]
pub fn param_in<'a>(pairs: &'a [(&'static str, String)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |key| {
        pairs
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.clone())
    }
}
