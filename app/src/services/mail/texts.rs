//! Every e-mail the app sends, written here and nowhere else. An account has no language of its
//! own, so each message says everything in French, then in English: a security notice must be
//! understood by whoever reads it.

use crate::model::routes;

/// A message's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

/// The link to choose a new password, asked from "Mot de passe oublié". Valid one hour.
pub fn password_reset(name: &str, public_url: &str, token: &str) -> MailText {
    let link = routes::password_link(public_url, token);
    MailText {
        subject: "Demande de réinitialisation de votre mot de passe Comptoir".to_owned(),
        body: format!(
            "Bonjour {name},\n\n\
             Vous avez demandé à réinitialiser votre mot de passe Comptoir.\n\
             Ouvrez ce lien dans l'heure qui vient pour en choisir un nouveau :\n\n{link}\n\n\
             Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, \
             ignorez ce message : votre mot de passe reste inchangé.\n\n\
             --\n\
             Hello {name},\n\n\
             You asked to reset your Comptoir password.\n\
             Open the link above within the hour to choose a new one.\n\
             The link works once. If you did not ask for this, ignore this message: your password \
             stays as it is.\n"
        ),
    }
}

/// Sent after a password change, so a change the owner of the account did not make is noticed.
/// `when` is the moment of the change as it should be read (UTC).
pub fn password_changed(name: &str, email: &str, when: &str, public_url: &str) -> MailText {
    let forgot = format!("{public_url}{}", routes::FORGOT_PASSWORD);
    MailText {
        subject: "Votre mot de passe Comptoir a été modifié".to_owned(),
        body: format!(
            "Bonjour {name},\n\n\
             Le mot de passe de votre compte Comptoir ({email}) vient d'être modifié, le {when} (UTC).\n\
             Par sécurité, toutes vos autres sessions ont été fermées : reconnectez-vous sur vos \
             autres appareils.\n\n\
             Si vous n'êtes pas à l'origine de ce changement, choisissez tout de suite un nouveau \
             mot de passe :\n{forgot}\n\
             et prévenez le responsable de votre boutique.\n\n\
             --\n\
             Hello {name},\n\n\
             The password of your Comptoir account ({email}) was just changed, on {when} (UTC).\n\
             For your safety, all your other sessions were ended: sign in again on your other \
             devices.\n\n\
             If this was not you, choose a new password right away at the link above, and tell \
             your shop's manager.\n"
        ),
    }
}

/// Who invites whom to which shop.
pub struct Invitation<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub owner: &'a str,
    pub shop: &'a str,
}

/// The invitation to join a shop's team, with the link to choose a password. Valid seven days.
pub fn invitation(invitation: &Invitation<'_>, public_url: &str, token: &str) -> MailText {
    let Invitation {
        name,
        email,
        owner,
        shop,
    } = invitation;
    let link = routes::password_link(public_url, token);
    MailText {
        subject: invitation_subject(shop),
        body: format!(
            "Bonjour {name},\n\n\
             {owner} vous invite à rejoindre {shop} sur Comptoir, le fichier clients et la fidélité \
             de la boutique.\n\
             Ouvrez ce lien dans les 7 jours pour choisir votre mot de passe :\n\n{link}\n\n\
             Vous vous connecterez ensuite avec cette adresse : {email}\n\n\
             --\n\
             Hello {name},\n\n\
             {owner} invites you to join {shop} on Comptoir, the shop's client file and loyalty \
             programme.\n\
             Open the link above within 7 days to choose your password.\n\
             You will then sign in with this address: {email}\n"
        ),
    }
}

/// Sent instead of an invitation to an address that already signs in to a shop: no link, and
/// nothing about that other shop.
pub fn address_taken(owner: &str, shop: &str) -> MailText {
    MailText {
        subject: invitation_subject(shop),
        body: format!(
            "Bonjour,\n\n\
             {owner} a voulu inviter cette adresse à rejoindre {shop} sur Comptoir.\n\
             Elle sert déjà à un compte Comptoir, et une adresse ne se connecte qu'à une boutique : \
             si vous souhaitez rejoindre {shop}, donnez à {owner} une autre adresse.\n\
             Sinon, ignorez ce message ; votre compte reste inchangé.\n\n\
             --\n\
             Hello,\n\n\
             {owner} tried to invite this address to join {shop} on Comptoir.\n\
             It already belongs to a Comptoir account, and an address signs in to one shop only: \
             to join {shop}, give {owner} another address.\n\
             Otherwise, ignore this message; your account is unchanged.\n"
        ),
    }
}

fn invitation_subject(shop: &str) -> String {
    format!("Invitation à rejoindre {shop} sur Comptoir")
}

/// The foot of a shop's e-mail to a client: why it came, and the link that stops them.
pub fn campaign_footer(shop: &str, unsubscribe_link: &str) -> String {
    format!(
        "\n\n--\n\
         Vous recevez ce message de {shop} parce que vous avez accepté ses e-mails.\n\
         Pour ne plus en recevoir : {unsubscribe_link}\n\
         (You get this e-mail from {shop} because you agreed to it; the link above stops them.)\n"
    )
}

/// The foot of the copy the owner sends to themself: the real one has each client's link.
pub fn campaign_test_footer() -> String {
    "\n\n--\n\
     Message de test : dans l'envoi réel, chaque client trouve ici son lien de désabonnement.\n\
     (Test message: in the real sending, each client finds their unsubscribe link here.)\n"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_open_the_app_s_own_pages() {
        let reset = password_reset("Camille", "https://boutique.example", "abc");
        assert!(
            reset
                .body
                .contains("https://boutique.example/reinitialiser-mot-de-passe?jeton=abc")
        );
        let changed = password_changed(
            "Camille",
            "c@example.fr",
            "02/12/2026 10:00",
            "https://b.example",
        );
        assert!(
            changed
                .body
                .contains("https://b.example/mot-de-passe-oublie")
        );
    }

    #[test]
    fn every_message_speaks_french_then_english() {
        let invite = Invitation {
            name: "Léa",
            email: "lea@example.fr",
            owner: "Camille",
            shop: "Boulangerie du Port",
        };
        for text in [
            password_reset("Léa", "https://b.example", "t"),
            password_changed(
                "Léa",
                "lea@example.fr",
                "02/12/2026 10:00",
                "https://b.example",
            ),
            invitation(&invite, "https://b.example", "t"),
            address_taken("Camille", "Boulangerie du Port"),
        ] {
            let (french, english) = text.body.split_once("\n--\n").unwrap_or_default();
            assert!(french.starts_with("Bonjour"), "{}", text.subject);
            assert!(english.starts_with("Hello"), "{}", text.subject);
        }
    }

    #[test]
    fn a_taken_address_is_told_nothing_but_the_inviting_shop() {
        let text = address_taken("Camille", "Boulangerie du Port");
        assert!(!text.body.contains("jeton"));
        assert!(text.body.contains("Boulangerie du Port"));
    }
}
