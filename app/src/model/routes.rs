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
/// The owner's e-mails to clients; one campaign at `campaign_page`.
pub const CAMPAIGNS: &str = "/campagnes";
/// The automatic e-mails sent (welcome, birthday, rewards).
pub const AUTOMATIC_MAILS: &str = "/e-mails-automatiques";
/// The page a client reaches from an e-mail's unsubscribe link, with no session.
pub const UNSUBSCRIBE: &str = "/desabonnement";
/// The `List-Unsubscribe` address (RFC 8058): a mail program posts to it, a browser is sent on
/// to `UNSUBSCRIBE`.
pub const ONE_CLICK_UNSUBSCRIBE: &str = "/desabonnement/un-clic";
/// The owner's client imports; a file is sent to `IMPORT_UPLOAD` (a plain form post).
pub const IMPORTS: &str = "/import-clients";
pub const IMPORT_UPLOAD: &str = "/import-clients/envoi";
/// Downloads (plain links: the browser saves the file).
pub const EXPORT_CLIENTS: &str = "/export/clients";
pub const EXPORT_TRANSACTIONS: &str = "/export/transactions";
/// Gift cards: the sale and the shop's latest; one card at `gift_card_page`.
pub const GIFT_CARDS: &str = "/cartes-cadeaux";
/// The till that works without a network; its page holds no one's data, so the service worker
/// keeps it.
pub const TILL: &str = "/caisse";

/// The query key carrying a reset or invitation token.
pub const TOKEN_KEY: &str = "jeton";

/// The link of a reset or invitation e-mail: it opens the page that sets a new password.
pub fn password_link(public_url: &str, token: &str) -> String {
    format!("{public_url}{RESET_PASSWORD}?{TOKEN_KEY}={token}")
}

/// The unsubscribe token: the shop (so the message is found within it) and the secret.
pub fn unsubscribe_token(shop_id: i64, secret: &str) -> String {
    format!("{shop_id}-{secret}")
}

/// The shop and the secret of an unsubscribe token, if it is one.
pub fn read_unsubscribe_token(token: &str) -> Option<(i64, &str)> {
    let (shop, secret) = token.split_once('-')?;
    let shop_id = shop.parse().ok()?;
    (!secret.is_empty()).then_some((shop_id, secret))
}

/// The link at the foot of every campaign e-mail.
pub fn unsubscribe_link(public_url: &str, shop_id: i64, secret: &str) -> String {
    let token = unsubscribe_token(shop_id, secret);
    format!("{public_url}{UNSUBSCRIBE}?{TOKEN_KEY}={token}")
}

/// The address of the `List-Unsubscribe` header.
pub fn one_click_unsubscribe_link(public_url: &str, shop_id: i64, secret: &str) -> String {
    let token = unsubscribe_token(shop_id, secret);
    format!("{public_url}{ONE_CLICK_UNSUBSCRIBE}?{TOKEN_KEY}={token}")
}

/// One campaign: its text and each recipient's message.
pub fn campaign_page(campaign_id: i64) -> String {
    format!("{CAMPAIGNS}/{campaign_id}")
}

/// A client's file.
pub fn client_file(client_id: i64) -> String {
    format!("{CLIENTS}/{client_id}")
}

/// One gift card, by its printed code: what is left, spending it, its printed card.
pub fn gift_card_page(printed_code: &str) -> String {
    format!("{GIFT_CARDS}/{printed_code}")
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
