//! The shop's team: the owner invites staff by e-mail (a link to choose a password), changes
//! roles, and disables accounts. Only the owner manages the team; an owner never changes or
//! disables their own account here, so a shop always keeps someone who can.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::auth::issue_password_link;
use super::throttle;
use crate::entities::{invitation, password_reset_token, session, shop, user};
use crate::model::audit::AuditKind;
use crate::model::auth::{CurrentUser, Role};
use crate::model::error::{AppError, FieldProblem};
use crate::model::team::{InvitationSent, InviteForm, TeamMember, ValidInvite};
use crate::services::audit::{self, Actor, AuditRecord};
use crate::services::db::Db;
use crate::services::mail::{Mailer, OutgoingMail, texts};
use crate::services::{db_error, owner_only};

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
        invited: false,
        is_you: account.id == you.user_id,
    }
}

fn to_pending(invitation: &invitation::Model) -> TeamMember {
    TeamMember {
        id: invitation.id,
        display_name: invitation.display_name.clone(),
        email: invitation.email.clone(),
        role: Role::from_code(&invitation.role).unwrap_or(Role::Staff),
        active: true,
        invited: true,
        is_you: false,
    }
}

/// The shop's accounts with a password, then its pending invitations: an invitation shows the
/// same whether or not its address could get an account here, so the list tells nothing about
/// other shops.
pub async fn members(db: &Db, user: &CurrentUser) -> Result<Vec<TeamMember>, AppError> {
    owner_only(user)?;
    let accounts = user::Entity::find()
        .filter(user::Column::ShopId.eq(user.shop_id))
        .filter(user::Column::PasswordHash.ne(NO_PASSWORD_YET))
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    let joined: HashSet<&str> = accounts
        .iter()
        .map(|account| account.email.as_str())
        .collect();
    let pending = invitation::Entity::find()
        .filter(invitation::Column::ShopId.eq(user.shop_id))
        .order_by_asc(invitation::Column::DisplayName)
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    Ok(accounts
        .iter()
        .map(|account| to_member(account, user))
        .chain(
            pending
                .iter()
                // Accepted: the account is listed instead.
                .filter(|invitation| !joined.contains(invitation.email.as_str()))
                .map(to_pending),
        )
        .collect())
}

/// Invites `form.email` to the owner's shop. The answer and the audit trace are the same whether
/// or not the address already has an account in another shop, so the form is no way to probe
/// other shops' teams.
///
/// An address signs in to one shop, so an address taken elsewhere cannot join. Its mailbox gets
/// a neutral note instead of a link: the person there is the one who may know, and a real
/// product tells them why the invitation they may expect never comes, rather than leaving them
/// and the owner guessing. Whether they tell the owner is theirs to choose. An address already
/// in this shop is named as such: the owner sees their own team.
///
/// At most `INVITATIONS_PER_SHOP` an hour, counted before anything is sent.
pub async fn invite(
    db: &Db,
    mailer: &Mailer,
    public_url: &str,
    actor: &Actor,
    form: &InviteForm,
) -> Result<InvitationSent, AppError> {
    owner_only(actor)?;
    let invite = form.validate()?;
    let shop_key = format!("invitations:shop:{}", actor.shop_id);
    throttle::admit(
        db,
        &[(&shop_key, throttle::INVITATIONS_PER_SHOP)],
        Utc::now(),
    )
    .await
    .map_err(|refusal| match refusal {
        AppError::TooManyAttempts {
            retry_after_seconds,
        } => AppError::TooManyInvitations {
            retry_after_seconds,
        },
        other => other,
    })?;
    let txn = db.begin_write().await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(invite.email.clone()))
        .one(&txn)
        .await
        .map_err(db_error)?;
    let already_invited = invitation::Entity::find()
        .filter(invitation::Column::ShopId.eq(actor.shop_id))
        .filter(invitation::Column::Email.eq(invite.email.clone()))
        .one(&txn)
        .await
        .map_err(db_error)?
        .is_some();
    if already_invited
        || taken
            .as_ref()
            .is_some_and(|existing| existing.shop_id == actor.shop_id)
    {
        return Err(AppError::invalid("email", FieldProblem::DuplicateEmail));
    }
    invitation::ActiveModel {
        shop_id: Set(actor.shop_id),
        email: Set(invite.email.clone()),
        display_name: Set(invite.display_name.clone()),
        role: Set(invite.role.code().to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let link = match taken {
        Some(_) => None,
        None => Some(new_invited_account(&txn, actor, &invite).await?),
    };
    // The same trace either way: the owner reads this log too.
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::StaffInvited).detail(format!(
            "{} ({})",
            invite.email,
            invite.role.code()
        )),
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    let text = match link {
        Some(token) => texts::invitation(
            &texts::Invitation {
                name: &invite.display_name,
                email: &invite.email,
                owner: &actor.display_name,
                shop: &actor.shop_name,
            },
            public_url,
            &token,
        ),
        None => texts::address_taken(&actor.display_name, &actor.shop_name),
    };
    mailer
        .send(OutgoingMail {
            to: &invite.email,
            text,
            from_name: None,
            list_unsubscribe: None,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "could not send the invitation e-mail");
            AppError::Internal
        })?;
    Ok(InvitationSent {
        email: invite.email,
    })
}

/// The invited account, with no password until its link is used; answers the link's secret.
async fn new_invited_account(
    txn: &DatabaseTransaction,
    actor: &Actor,
    invite: &ValidInvite,
) -> Result<String, AppError> {
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
    .insert(txn)
    .await
    .map_err(db_error)?;
    issue_password_link(txn, account.id, INVITATION_LIFETIME).await
}

/// Withdraws a pending invitation: it leaves the list and its link stops working. The same
/// steps whether or not the address could have joined.
pub async fn cancel_invitation(db: &Db, actor: &Actor, invitation_id: i64) -> Result<(), AppError> {
    owner_only(actor)?;
    let txn = db.begin_write().await?;
    let pending = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::ShopId.eq(actor.shop_id))
        .one(&txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let waiting = user::Entity::find()
        .filter(user::Column::ShopId.eq(actor.shop_id))
        .filter(user::Column::Email.eq(pending.email.clone()))
        .filter(user::Column::PasswordHash.eq(NO_PASSWORD_YET))
        .one(&txn)
        .await
        .map_err(db_error)?;
    if let Some(account) = waiting {
        password_reset_token::Entity::delete_many()
            .filter(password_reset_token::Column::UserId.eq(account.id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        user::Entity::delete_by_id(account.id)
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    invitation::Entity::delete_by_id(pending.id)
        .filter(invitation::Column::ShopId.eq(actor.shop_id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    audit::write(
        &txn,
        AuditRecord::by(actor, AuditKind::InvitationCancelled).detail(pending.email),
    )
    .await?;
    txn.commit().await.map_err(db_error)
}

/// Another member of the owner's team, ready to change. The shop's founder is out of reach: a
/// second owner, once trusted, must not be able to take the shop from the person who opened it.
async fn other_member(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    member_id: i64,
) -> Result<user::Model, AppError> {
    owner_only(actor)?;
    if member_id == actor.user_id {
        return Err(AppError::invalid("member", FieldProblem::OwnAccount));
    }
    let member = user::Entity::find_by_id(member_id)
        .filter(user::Column::ShopId.eq(actor.shop_id))
        .one(txn)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let founder = shop::Entity::find_by_id(actor.shop_id)
        .one(txn)
        .await
        .map_err(db_error)?
        .and_then(|shop| shop.founder_user_id);
    if founder == Some(member.id) {
        return Err(AppError::invalid("member", FieldProblem::FounderAccount));
    }
    Ok(member)
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
    use crate::services::accounts::auth::{
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

        async fn invite(&self, email: &str, role: Role) -> Result<InvitationSent, AppError> {
            invite(
                &self.shop.db,
                &self.mailer,
                "http://127.0.0.1:3000",
                &self.shop.owner,
                &Self::invitation(email, role),
            )
            .await
        }

        /// Every mail sent to `email`, quoted-printable undone where a link may sit (soft
        /// breaks and `=3D`).
        fn mails_to(&self, email: &str) -> Vec<String> {
            let Ok(entries) = std::fs::read_dir(&self.outbox) else {
                return Vec::new();
            };
            entries
                .filter_map(Result::ok)
                .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
                .map(|mail| {
                    mail.replace("=\r\n", "")
                        .replace("=\n", "")
                        .replace("=3D", "=")
                })
                .filter(|mail| {
                    let to = format!("To: {email}");
                    mail.lines().any(|line| line.trim_end() == to)
                })
                .collect()
        }

        /// The token of the last link e-mailed to `email`.
        fn link_token(&self, email: &str) -> String {
            let mut mails: Vec<_> = self
                .mails_to(email)
                .into_iter()
                .filter(|mail| mail.contains("jeton="))
                .collect();
            let mail = mails.pop().expect("an invitation");
            let start = mail.find("jeton=").expect("link") + "jeton=".len();
            mail[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        }

        /// Chooses a password through the link with `token`.
        async fn use_link(&self, token: &str) -> Result<(), AppError> {
            let context = ResetContext {
                mailer: &self.mailer,
                public_url: "http://127.0.0.1:3000",
                source: "test",
            };
            reset_password(
                &self.shop.db,
                &self.shop.hasher,
                context,
                token,
                NEW_PASSWORD,
                NEW_PASSWORD,
            )
            .await
        }

        async fn accept(&self, email: &str) {
            self.use_link(&self.link_token(email))
                .await
                .expect("password chosen");
        }

        /// Invites an address of another shop and a new one; the other shop's owner.
        async fn invite_elsewhere_and_new(&self) -> Actor {
            let neighbour = self.shop.other_shop().await;
            for email in [neighbour.email.as_str(), "nouveau@exemple.fr"] {
                self.invite(email, Role::Staff).await.expect("sent");
            }
            neighbour
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

        /// `email` as the owner's team page lists it.
        async fn member(&self, email: &str) -> TeamMember {
            members(&self.shop.db, &self.shop.owner)
                .await
                .expect("team")
                .into_iter()
                .find(|member| member.email == email)
                .expect("listed")
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
        let sent = team
            .invite("marc@exemple.fr", Role::Staff)
            .await
            .expect("invited");
        assert_eq!(sent.email, "marc@exemple.fr");
        let member = team.member("marc@exemple.fr").await;
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
        team.invite("marc@exemple.fr", Role::Staff)
            .await
            .expect("invited");
        team.accept("marc@exemple.fr").await;
        let member = team.member("marc@exemple.fr").await;
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

    #[tokio::test]
    async fn another_owner_can_neither_demote_nor_disable_the_founder() {
        let team = Team::new().await;
        let founder = team.shop.owner.user_id;
        team.invite("marc@exemple.fr", Role::Owner)
            .await
            .expect("invited");
        team.accept("marc@exemple.fr").await;
        let second = team.member("marc@exemple.fr").await;
        let marc = team
            .actor(&team.login("marc@exemple.fr").await.expect("login"))
            .await;
        let refused = Err(AppError::invalid("member", FieldProblem::FounderAccount));
        assert_eq!(
            change_role(&team.shop.db, &marc, founder, Role::Staff).await,
            refused
        );
        assert_eq!(
            set_active(&team.shop.db, &marc, founder, false).await,
            refused
        );
        let listed = members(&team.shop.db, &team.shop.owner)
            .await
            .expect("team");
        let kept = listed
            .iter()
            .find(|member| member.id == founder)
            .expect("founder listed");
        assert!(kept.active && kept.role == Role::Owner);
        // The founder still manages the other owner.
        let demoted = change_role(&team.shop.db, &team.shop.owner, second.id, Role::Staff)
            .await
            .expect("demoted");
        assert_eq!(demoted.role, Role::Staff);
    }

    #[tokio::test]
    async fn shops_opened_before_the_founder_was_kept_get_their_earliest_owner() {
        use migrations::{Migrator, MigratorTrait};
        let db = crate::services::db::connect("sqlite::memory:")
            .await
            .expect("database");
        let before_founders = Migrator::migrations()
            .iter()
            .position(|migration| migration.name().contains("shop_founder"))
            .expect("the founder migration");
        Migrator::up(
            db.connection(),
            Some(u32::try_from(before_founders).expect("count")),
        )
        .await
        .expect("older schema");
        let days_ago = |days: i64| sea_orm::Value::from(Utc::now() - Duration::days(days));
        let account = |id: i64, email: &str, role: &str, days: i64| {
            (
                format!(
                    "INSERT INTO users \
                     (id, shop_id, email, display_name, password_hash, role, is_active, created_at) \
                     VALUES ({id}, 1, '{email}', '{email}', 'x', '{role}', true, $1)"
                ),
                vec![days_ago(days)],
            )
        };
        let rows = [
            (
                "INSERT INTO shops (id, name, time_zone, created_at, is_platform) \
                 VALUES (1, 'Ancienne', 'Europe/Paris', $1, false)"
                    .to_owned(),
                vec![days_ago(30)],
            ),
            // Out of order: the earliest owner wins, not the lowest id, and staff never do.
            account(5, "second@exemple.fr", "owner", 10),
            account(3, "vendeur@exemple.fr", "staff", 30),
            account(7, "fondatrice@exemple.fr", "owner", 20),
        ];
        for (sql, values) in rows {
            sea_orm::ConnectionTrait::execute_raw(
                &db,
                sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Sqlite, sql, values),
            )
            .await
            .expect("old rows");
        }
        Migrator::up(db.connection(), None).await.expect("migrated");
        let shop = shop::Entity::find_by_id(1)
            .one(&db)
            .await
            .expect("read")
            .expect("shop");
        assert_eq!(shop.founder_user_id, Some(7));
    }

    fn audit_details(events: &[crate::entities::audit_event::Model]) -> Vec<(String, String)> {
        events
            .iter()
            .map(|event| (event.kind.clone(), event.detail.clone()))
            .collect()
    }

    async fn shop_log(team: &Team) -> Vec<crate::entities::audit_event::Model> {
        crate::entities::audit_event::Entity::find()
            .filter(crate::entities::audit_event::Column::ShopId.eq(team.shop.owner.shop_id))
            .order_by_asc(crate::entities::audit_event::Column::Id)
            .all(&team.shop.db)
            .await
            .expect("log")
    }

    #[tokio::test]
    async fn inviting_an_address_of_another_shop_answers_as_for_a_new_one() {
        let team = Team::new().await;
        let neighbour = team.shop.other_shop().await;
        let before = shop_log(&team).await.len();
        let elsewhere = team.invite(&neighbour.email, Role::Staff).await;
        let new = team.invite("nouveau@exemple.fr", Role::Staff).await;
        assert_eq!(
            elsewhere,
            Ok(InvitationSent {
                email: neighbour.email.clone()
            })
        );
        assert_eq!(
            new,
            Ok(InvitationSent {
                email: "nouveau@exemple.fr".into()
            })
        );
        let log = shop_log(&team).await;
        assert_eq!(
            audit_details(&log[before..]),
            [
                (
                    "staff_invited".into(),
                    format!("{} (staff)", neighbour.email)
                ),
                ("staff_invited".into(), "nouveau@exemple.fr (staff)".into()),
            ],
            "the same trace for both"
        );
        // The neighbour's account is untouched, and their mailbox got a note, not a link.
        let account = user::Entity::find_by_id(neighbour.user_id)
            .one(&team.shop.db)
            .await
            .expect("read")
            .expect("account");
        assert_eq!(account.shop_id, neighbour.shop_id);
        let mails = team.mails_to(&neighbour.email);
        assert_eq!(mails.len(), 1);
        assert!(!mails[0].contains("jeton="), "{}", mails[0]);
        assert!(
            mails[0].contains("une adresse ne se connecte qu"),
            "{}",
            mails[0]
        );
        assert!(
            !mails[0].contains("Fleuriste"),
            "nothing about the other shop"
        );
        // An address already in this very shop is still named: the owner sees their team.
        assert_eq!(
            team.invite("nouveau@exemple.fr", Role::Owner).await,
            Err(AppError::invalid("email", FieldProblem::DuplicateEmail))
        );
    }

    #[tokio::test]
    async fn the_team_list_shows_an_invitation_to_another_shop_s_address_like_any_other() {
        let team = Team::new().await;
        let neighbour = team.invite_elsewhere_and_new().await;
        let elsewhere = team.member(&neighbour.email).await;
        let new = team.member("nouveau@exemple.fr").await;
        let shape = |member: &TeamMember| {
            (
                member.display_name.clone(),
                member.role,
                member.active,
                member.invited,
                member.is_you,
            )
        };
        assert_eq!(shape(&elsewhere), shape(&new));
        assert!(new.invited);
        // Inviting either again: the same refusal, already invited here.
        for email in [neighbour.email.as_str(), "nouveau@exemple.fr"] {
            assert_eq!(
                team.invite(email, Role::Owner).await,
                Err(AppError::invalid("email", FieldProblem::DuplicateEmail)),
                "{email}"
            );
        }
        // Accepted, the invitation becomes the account, listed once.
        team.accept("nouveau@exemple.fr").await;
        let listed: Vec<TeamMember> = members(&team.shop.db, &team.shop.owner)
            .await
            .expect("team")
            .into_iter()
            .filter(|member| member.email == "nouveau@exemple.fr")
            .collect();
        assert_eq!(listed.len(), 1);
        assert!(!listed[0].invited);
    }

    #[tokio::test]
    async fn a_cancelled_invitation_leaves_the_list_and_its_link_stops_working() {
        let team = Team::new().await;
        let neighbour = team.invite_elsewhere_and_new().await;
        let token = team.link_token("nouveau@exemple.fr");
        for email in ["nouveau@exemple.fr", neighbour.email.as_str()] {
            let pending = team.member(email).await;
            cancel_invitation(&team.shop.db, &team.shop.owner, pending.id)
                .await
                .expect("cancelled");
        }
        let left = members(&team.shop.db, &team.shop.owner)
            .await
            .expect("team");
        assert!(left.iter().all(|member| !member.invited), "{left:?}");
        let used = team.use_link(&token).await;
        assert!(
            used.is_err(),
            "the link of a cancelled invitation: {used:?}"
        );
        // The neighbour's own account is untouched; the address can be invited again.
        assert!(
            user::Entity::find_by_id(neighbour.user_id)
                .one(&team.shop.db)
                .await
                .expect("read")
                .is_some()
        );
        team.invite("nouveau@exemple.fr", Role::Staff)
            .await
            .expect("invited again");
        // Only the owner cancels, and only their shop's invitations.
        let pending = team.member("nouveau@exemple.fr").await;
        assert_eq!(
            cancel_invitation(&team.shop.db, &neighbour, pending.id).await,
            Err(AppError::NotFound)
        );
    }

    #[tokio::test]
    async fn a_shop_sends_at_most_twenty_invitations_an_hour() {
        let team = Team::new().await;
        let allowed = throttle::INVITATIONS_PER_SHOP.max_failures;
        for index in 0..allowed {
            team.invite(&format!("equipier{index}@exemple.fr"), Role::Staff)
                .await
                .unwrap_or_else(|error| panic!("invitation {index}: {error:?}"));
        }
        let refused = team.invite("un-de-trop@exemple.fr", Role::Staff).await;
        let Err(AppError::TooManyInvitations {
            retry_after_seconds,
        }) = refused
        else {
            panic!("refused: {refused:?}");
        };
        assert!(
            (3500..=3600).contains(&retry_after_seconds),
            "{retry_after_seconds}"
        );
        assert!(team.mails_to("un-de-trop@exemple.fr").is_empty());
        // Another shop has its own count.
        let neighbour = team.shop.other_shop().await;
        invite(
            &team.shop.db,
            &team.mailer,
            "http://127.0.0.1:3000",
            &neighbour,
            &Team::invitation("voisin-equipier@exemple.fr", Role::Staff),
        )
        .await
        .expect("the neighbour invites");
    }
}
