//! The shop's team: the owner invites staff by e-mail (a link to choose a password), changes
//! roles, and disables accounts. Only the owner manages the team; an owner never changes or
//! disables their own account here, so a shop always keeps someone who can.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::audit::{self, Actor, AuditRecord};
use super::auth::issue_password_link;
use super::db::Db;
use super::mail::{Mailer, OutgoingMail};
use super::{db_error, owner_only};
use crate::entities::{session, user};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::error::{AppError, FieldProblem};
use crate::model::team::{InviteForm, TeamMember};

/// What an invited account has until its owner chooses a password: no password verifies it.
pub(crate) const NO_PASSWORD_YET: &str = "!invited";
/// Long enough for someone starting next week; the link still works once only.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

fn to_member(account: &user::Model, you: &CurrentUser) -> TeamMember {
    TeamMember {
        id: account.id,
        display_name: account.display_name.clone(),
        email: account.email.clone(),
        role: Role::from_code(&account.role).unwrap_or(Role::Staff),
        active: account.is_active,
        invited: account.password_hash == NO_PASSWORD_YET,
        is_you: account.id == you.user_id,
    }
}

pub async fn members(db: &Db, user: &CurrentUser) -> Result<Vec<TeamMember>, AppError> {
    owner_only(user)?;
    Ok(user::Entity::find()
        .filter(user::Column::ShopId.eq(user.shop_id))
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?
        .iter()
        .map(|account| to_member(account, user))
        .collect())
}

/// Creates the account and e-mails its link. The address must not have an account yet, in this
/// shop or another: an e-mail signs in to one shop.
pub async fn invite(
    db: &Db,
    mailer: &Mailer,
    public_url: &str,
    actor: &Actor,
    form: &InviteForm,
) -> Result<TeamMember, AppError> {
    owner_only(actor)?;
    let invite = form.validate()?;
    let txn = db.begin_write().await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(invite.email.clone()))
        .one(&txn)
        .await
        .map_err(db_error)?;
    if taken.is_some() {
        return Err(AppError::invalid("email", FieldProblem::DuplicateEmail));
    }
    let account = user::ActiveModel {
        shop_id: Set(actor.shop_id),
        email: Set(invite.email.clone()),
        display_name: Set(invite.display_name.clone()),
        password_hash: Set(NO_PASSWORD_YET.to_owned()),
        role: Set(invite.role.code().to_owned()),
        is_active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let token = issue_password_link(&txn, account.id, INVITATION_LIFETIME).await?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::StaffInvited).detail(format!(
            "{} ({})",
            account.email,
            invite.role.code()
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    let link = format!("{public_url}/reinitialiser-mot-de-passe?jeton={token}");
    let body = format!(
        "Bonjour {name},\n\n\
         {owner} vous invite à rejoindre {shop} sur Comptoir, le fichier clients et la fidélité \
         de la boutique.\n\
         Ouvrez ce lien dans les 7 jours pour choisir votre mot de passe :\n\n{link}\n\n\
         Vous vous connecterez ensuite avec cette adresse : {email}\n\n\
         --\nHello {name}, {owner} invites you to join {shop} on Comptoir. Open the link above \
         within 7 days to choose your password.\n",
        name = account.display_name,
        owner = actor.display_name,
        shop = actor.shop_name,
        email = account.email,
    );
    let subject = format!("Invitation à rejoindre {} sur Comptoir", actor.shop_name);
    mailer
        .send(OutgoingMail {
            to: &account.email,
            subject: &subject,
            body,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "could not send the invitation e-mail");
            AppError::Internal
        })?;
    Ok(to_member(&account, actor))
}

/// Another member of the owner's team, ready to change.
async fn other_member(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    member_id: i64,
) -> Result<user::Model, AppError> {
    owner_only(actor)?;
    if member_id == actor.user_id {
        return Err(AppError::invalid("member", FieldProblem::OwnAccount));
    }
    user::Entity::find_by_id(member_id)
        .filter(user::Column::ShopId.eq(actor.shop_id))
        .one(txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)
}

pub async fn change_role(
    db: &Db,
    actor: &Actor,
    member_id: i64,
    role: Role,
) -> Result<TeamMember, AppError> {
    if !role.in_shop() {
        return Err(AppError::invalid("role", FieldProblem::InvalidChoice));
    }
    let txn = db.begin_write().await?;
    let member = other_member(&txn, actor, member_id).await?;
    let before = member.role.clone();
    let mut changed: user::ActiveModel = member.into();
    changed.role = Set(role.code().to_owned());
    let member = changed.update(&txn).await.map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::RoleChanged).detail(format!(
            "{}: {before} → {}",
            member.email,
            role.code()
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(to_member(&member, actor))
}

/// Disables an account, ending its sessions at once, or enables it again.
pub async fn set_active(
    db: &Db,
    actor: &Actor,
    member_id: i64,
    active: bool,
) -> Result<TeamMember, AppError> {
    let txn = db.begin_write().await?;
    let member = other_member(&txn, actor, member_id).await?;
    let mut changed: user::ActiveModel = member.into();
    changed.is_active = Set(active);
    let member = changed.update(&txn).await.map_err(db_error)?;
    if !active {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(member.id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    let kind = if active {
        AuditKind::AccountEnabled
    } else {
        AuditKind::AccountDisabled
    };
    audit::write(
        &txn,
        AuditRecord::by(actor, kind).detail(member.email.clone()),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    Ok(to_member(&member, actor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ledger::JournalFilter;
    use crate::services::auth::{
        Credentials, ResetContext, login, reset_password, user_for_session,
    };
    use crate::services::config::AppConfig;
    use crate::services::ledger::{journal, modify_transaction, record_transaction};
    use crate::services::test_support::{TestShop, change, earn};

    const NEW_PASSWORD: &str = "Brioche-2027!";

    struct Team {
        shop: TestShop,
        mailer: Mailer,
        outbox: std::path::PathBuf,
    }

    impl Team {
        async fn new() -> Self {
            let outbox = std::env::temp_dir()
                .join(format!("comptoir-team-{}", uuid::Uuid::new_v4().simple()));
            let mailer = Mailer::from_config(&AppConfig::for_tests("unused", outbox.clone()))
                .expect("mailer");
            Self {
                shop: TestShop::new().await,
                mailer,
                outbox,
            }
        }

        fn invitation(email: &str, role: Role) -> InviteForm {
            InviteForm {
                email: email.into(),
                display_name: "Marc Vendeur".into(),
                role: role.code().into(),
            }
        }

        async fn invite(&self, email: &str, role: Role) -> Result<TeamMember, AppError> {
            invite(
                &self.shop.db,
                &self.mailer,
                "http://127.0.0.1:3000",
                &self.shop.owner,
                &Self::invitation(email, role),
            )
            .await
        }

        /// The token of the last link e-mailed to `email`.
        fn link_token(&self, email: &str) -> String {
            let mut mails: Vec<_> = std::fs::read_dir(&self.outbox)
                .expect("outbox")
                .filter_map(Result::ok)
                .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
                // Undo quoted-printable where the link may sit: soft breaks and `=3D`.
                .map(|mail| {
                    mail.replace("=\r\n", "")
                        .replace("=\n", "")
                        .replace("=3D", "=")
                })
                .filter(|mail| mail.contains(email) && mail.contains("jeton="))
                .collect();
            let mail = mails.pop().expect("an invitation");
            let start = mail.find("jeton=").expect("link") + "jeton=".len();
            mail[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        }

        async fn accept(&self, email: &str) {
            let context = ResetContext {
                mailer: &self.mailer,
                public_url: "http://127.0.0.1:3000",
                source: "test",
            };
            reset_password(
                &self.shop.db,
                &self.shop.hasher,
                context,
                &self.link_token(email),
                NEW_PASSWORD,
                NEW_PASSWORD,
            )
            .await
            .expect("password chosen");
        }

        async fn login(&self, email: &str) -> Result<String, AppError> {
            let credentials = Credentials {
                email,
                password: NEW_PASSWORD,
                remember: false,
            };
            login(&self.shop.db, &self.shop.hasher, credentials, "test")
                .await
                .map(|session| session.token)
        }

        async fn actor(&self, token: &str) -> Actor {
            let user = user_for_session(&self.shop.db, token)
                .await
                .expect("session read")
                .expect("signed in");
            Actor::new(user, "test")
        }
    }

    #[tokio::test]
    async fn an_invitation_link_lets_the_new_member_choose_a_password() {
        let team = Team::new().await;
        let member = team
            .invite("marc@exemple.fr", Role::Staff)
            .await
            .expect("invited");
        assert!(member.invited && member.active);
        // No password works before the link is used.
        assert_eq!(
            team.login("marc@exemple.fr").await,
            Err(AppError::InvalidCredentials)
        );
        team.accept("marc@exemple.fr").await;
        let token = team.login("marc@exemple.fr").await.expect("signed in");
        let marc = team.actor(&token).await;
        assert_eq!(marc.role, Role::Staff);
        assert_eq!(marc.shop_id, team.shop.owner.shop_id);
        let listed = members(&team.shop.db, &team.shop.owner)
            .await
            .expect("team");
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|member| !member.invited));
        assert_eq!(
            team.invite("MARC@exemple.fr", Role::Owner).await,
            Err(AppError::invalid("email", FieldProblem::DuplicateEmail))
        );
    }

    #[tokio::test]
    async fn staff_do_till_work_but_neither_correct_nor_manage() {
        let team = Team::new().await;
        team.invite("marc@exemple.fr", Role::Staff)
            .await
            .expect("invited");
        team.accept("marc@exemple.fr").await;
        let marc = team
            .actor(&team.login("marc@exemple.fr").await.expect("login"))
            .await;
        let client = team.shop.client("Léa", "Morel").await;
        let recorded = record_transaction(&team.shop.db, &marc, &earn(client.id, "5", ""))
            .await
            .expect("staff record points");
        assert_eq!(recorded.transaction.author_name, "Marc Vendeur");
        assert_eq!(
            modify_transaction(&team.shop.db, &marc, &change(recorded.transaction.id, "9")).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            journal(&team.shop.db, &marc, &JournalFilter::default()).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            members(&team.shop.db, &marc).await,
            Err(AppError::Forbidden)
        );
        let invited_by_staff = invite(
            &team.shop.db,
            &team.mailer,
            "http://127.0.0.1:3000",
            &marc,
            &Team::invitation("ami@exemple.fr", Role::Owner),
        )
        .await;
        assert_eq!(invited_by_staff, Err(AppError::Forbidden));
        assert_eq!(
            change_role(&team.shop.db, &marc, marc.user_id, Role::Owner).await,
            Err(AppError::Forbidden)
        );
    }

    #[tokio::test]
    async fn a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled() {
        let team = Team::new().await;
        let member = team
            .invite("marc@exemple.fr", Role::Staff)
            .await
            .expect("invited");
        team.accept("marc@exemple.fr").await;
        let session = team.login("marc@exemple.fr").await.expect("login");
        let disabled = set_active(&team.shop.db, &team.shop.owner, member.id, false)
            .await
            .expect("disabled");
        assert!(!disabled.active);
        assert_eq!(
            user_for_session(&team.shop.db, &session).await,
            Ok(None),
            "the open session ended"
        );
        assert_eq!(
            team.login("marc@exemple.fr").await,
            Err(AppError::InvalidCredentials)
        );
        set_active(&team.shop.db, &team.shop.owner, member.id, true)
            .await
            .expect("enabled");
        team.login("marc@exemple.fr").await.expect("signs in again");
        let promoted = change_role(&team.shop.db, &team.shop.owner, member.id, Role::Owner)
            .await
            .expect("promoted");
        assert_eq!(promoted.role, Role::Owner);
    }

    #[tokio::test]
    async fn an_owner_keeps_their_own_account_and_another_shop_is_out_of_reach() {
        let team = Team::new().await;
        let own = team.shop.owner.user_id;
        assert_eq!(
            set_active(&team.shop.db, &team.shop.owner, own, false).await,
            Err(AppError::invalid("member", FieldProblem::OwnAccount))
        );
        assert_eq!(
            change_role(&team.shop.db, &team.shop.owner, own, Role::Staff).await,
            Err(AppError::invalid("member", FieldProblem::OwnAccount))
        );
        let stranger = team.shop.other_shop().await;
        assert_eq!(
            set_active(&team.shop.db, &stranger, own, false).await,
            Err(AppError::NotFound)
        );
        let listed = members(&team.shop.db, &stranger).await.expect("own team");
        assert_eq!(listed.len(), 1, "only the other shop's owner");
    }
}
