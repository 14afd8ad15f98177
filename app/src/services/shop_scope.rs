//! Which tables hold one shop's data, and whether an SQL statement stays inside one shop: the
//! rule that lets Comptoir's data be split by shop over several PostgreSQL servers (Citus,
//! SCALING.md). A statement that reads or writes a shop's table names `shop_id`, so a
//! distributed database can send it to the one server holding that shop.
//!
//! The integration tests check every statement each request runs ([`StatementCheck`]); the few
//! request paths that work across shops on purpose (platform support's search) say so with
//! [`across_shops`].

use std::future::Future;
use std::sync::{Arc, Mutex};

/// Tables whose every row belongs to one shop, with a `shop_id` column: distributed by it.
pub const SHOP_TABLES: [&str; 28] = [
    "audit_events",
    "client_import_refusals",
    "client_imports",
    "client_labels",
    "client_notes",
    "client_search_terms",
    "clients",
    "consent_changes",
    "credit_entries",
    "earned_rewards",
    "gift_card_entries",
    "gift_cards",
    "invitations",
    "labels",
    "ledger_entries",
    "mail_automations",
    "mail_campaigns",
    "member_cards",
    "outgoing_mails",
    "programme_terms",
    "programmes",
    "rewards",
    "shop_best_clients",
    "shop_days",
    "technical_sheets",
    "terms_acceptances",
    "ticket_lines",
    "tickets",
];

/// The platform's tables, read before the shop is known (a login finds its account by e-mail, a
/// session or an API key by its token): small, and copied to every server as reference tables.
pub const PLATFORM_TABLES: [&str; 7] = [
    "api_keys",
    "login_failures",
    "password_reset_tokens",
    "seaql_migrations",
    "sessions",
    "shops",
    "users",
];

/// How far a statement reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// No shop's table: schema changes, the platform's tables, transaction control.
    NoShopTable,
    /// Shop tables, with `shop_id` named: one shop's server can answer it.
    OneShop,
    /// Shop tables without `shop_id`: every shop's server would have to answer.
    AllShops { tables: Vec<String> },
}

/// Reads the statement's tables and whether it names `shop_id` (in a condition, a join or an
/// insert's columns). Identifiers may be quoted, as SeaORM writes them, or not, as raw SQL does.
pub fn reach(sql: &str) -> Reach {
    let tokens = tokens(sql);
    let data_statement = tokens.first().is_some_and(|first| {
        !first.quoted && ["select", "insert", "update", "delete", "with"].contains(&&*first.text)
    });
    if !data_statement {
        return Reach::NoShopTable;
    }
    let mut tables: Vec<String> = Vec::new();
    for pair in tokens.windows(2) {
        let (keyword, name) = (&pair[0], &pair[1]);
        // An upsert's `DO UPDATE SET` names no table.
        let names_a_table = name.quoted || name.text != "set";
        let introduces_table = !keyword.quoted
            && ["from", "join", "update", "into"].contains(&&*keyword.text)
            && names_a_table;
        if introduces_table && SHOP_TABLES.contains(&&*name.text) && !tables.contains(&name.text) {
            tables.push(name.text.clone());
        }
    }
    if tables.is_empty() {
        Reach::NoShopTable
    } else if where_rows_are_chosen(&tokens)
        .iter()
        .any(|token| token.text == "shop_id")
    {
        Reach::OneShop
    } else {
        Reach::AllShops { tables }
    }
}

/// The parts of a statement that choose its rows (FROM, JOIN … ON, WHERE, an insert's columns),
/// without those that only name columns to read or set: a row read whole lists `shop_id` among
/// its columns while its condition may still be the id alone.
fn where_rows_are_chosen(tokens: &[Token]) -> Vec<&Token> {
    let keyword = |token: &Token, word: &str| !token.quoted && token.text == word;
    let mut kept = Vec::new();
    let mut depth = 0usize;
    // The depth at which a projection or a SET list is being skipped, until its end keyword.
    let mut skipping: Option<(usize, &[&str])> = None;
    for token in tokens {
        match token.text.as_str() {
            "(" if !token.quoted => depth += 1,
            ")" if !token.quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
        if let Some((at, until)) = skipping {
            if depth == at && until.iter().any(|word| keyword(token, word)) {
                skipping = None;
            } else {
                continue;
            }
        }
        if keyword(token, "returning") && depth == 0 {
            break;
        }
        if keyword(token, "select") {
            skipping = Some((depth, &["from"]));
            continue;
        }
        if keyword(token, "set") {
            skipping = Some((depth, &["where", "from"]));
            continue;
        }
        kept.push(token);
    }
    kept
}

#[derive(Debug)]
struct Token {
    text: String,
    quoted: bool,
}

/// Identifiers (lower-cased, quotes removed) and single punctuation characters; string
/// literals are skipped, so a value never reads as a table.
fn tokens(sql: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // '' inside a literal is a quote, and the loop reads it as a new literal.
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
            }
            '"' | '`' => {
                let mut text = String::new();
                for inner in chars.by_ref() {
                    if inner == c {
                        break;
                    }
                    text.push(inner);
                }
                tokens.push(Token {
                    text: text.to_lowercase(),
                    quoted: true,
                });
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut text = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_alphanumeric() || next == '_' {
                        text.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token {
                    text: text.to_lowercase(),
                    quoted: false,
                });
            }
            c if c.is_whitespace() => {}
            c => tokens.push(Token {
                text: c.to_string(),
                quoted: false,
            }),
        }
    }
    tokens
}

tokio::task_local! {
    static CHECKED: ();
    static ACROSS_SHOPS: &'static str;
}

/// Runs `work`, a request path that reads every shop on purpose (platform support's search):
/// its statements are not held to the one-shop rule. `why` says what it is, for the reader.
pub async fn across_shops<F: Future>(why: &'static str, work: F) -> F::Output {
    ACROSS_SHOPS.scope(why, work).await
}

/// The statements that reached every shop, recorded by a connection's metric callback while a
/// [`StatementCheck::checked`] future ran.
#[derive(Debug, Clone, Default)]
pub struct StatementCheck {
    found: Arc<Mutex<Vec<String>>>,
}

impl StatementCheck {
    /// Runs `work` (one request), checking each statement it runs on the observed connection.
    pub async fn checked<F: Future>(work: F) -> F::Output {
        CHECKED.scope((), work).await
    }

    /// For `DatabaseConnection::set_metric_callback`: looks at every statement, keeps those of a
    /// checked request that reach every shop.
    pub fn observe(&self) -> impl Fn(&sea_orm::metric::Info<'_>) + Send + Sync + 'static {
        let found = Arc::clone(&self.found);
        move |info| {
            let checked = CHECKED.try_with(|()| ()).is_ok();
            let exempt = ACROSS_SHOPS.try_with(|_| ()).is_ok();
            if !checked || exempt {
                return;
            }
            if let Reach::AllShops { tables } = reach(&info.statement.sql) {
                let line = format!("{} — {}", tables.join(", "), info.statement.sql);
                if let Ok(mut found) = found.lock() {
                    found.push(line);
                }
            }
        }
    }

    /// The statements found so far that read or wrote shop tables without `shop_id`.
    pub fn statements_across_shops(&self) -> Vec<String> {
        self.found
            .lock()
            .map(|found| found.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_shops(tables: &[&str]) -> Reach {
        Reach::AllShops {
            tables: tables.iter().map(|table| (*table).to_owned()).collect(),
        }
    }

    #[test]
    fn seaorm_statements_that_name_the_shop_stay_in_it() {
        assert_eq!(
            reach(
                r#"SELECT "clients"."id", "clients"."first_name" FROM "clients" WHERE "clients"."shop_id" = $1 AND "clients"."id" = $2 LIMIT $3"#
            ),
            Reach::OneShop
        );
        assert_eq!(
            reach(
                r#"INSERT INTO "ledger_entries" ("shop_id", "client_id", "points") VALUES ($1, $2, $3) RETURNING "id""#
            ),
            Reach::OneShop
        );
        assert_eq!(
            reach(
                "UPDATE clients SET points_balance = points_balance + ? WHERE shop_id = ? AND id = ?"
            ),
            Reach::OneShop
        );
    }

    #[test]
    fn a_shop_table_read_by_id_alone_reaches_every_shop() {
        // SeaORM reads whole rows: shop_id among the columns read is no condition.
        assert_eq!(
            reach(
                r#"SELECT "clients"."id", "clients"."shop_id" FROM "clients" WHERE "clients"."id" = ? LIMIT ?"#
            ),
            all_shops(&["clients"])
        );
        assert_eq!(
            reach(
                r#"UPDATE "clients" SET "shop_id" = ?, "note" = ? WHERE "clients"."id" = ? RETURNING "id", "shop_id""#
            ),
            all_shops(&["clients"])
        );
        assert_eq!(
            reach(
                r#"SELECT "x"."n" FROM (SELECT "shop_id" AS "n" FROM "ledger_entries" WHERE "client_id" = ?) AS "x""#
            ),
            all_shops(&["ledger_entries"])
        );
        assert_eq!(
            reach(r#"SELECT "rewards"."cost" FROM "rewards" WHERE "rewards"."id" = $1 LIMIT $2"#),
            all_shops(&["rewards"])
        );
        assert_eq!(
            reach(
                r#"SELECT "e"."id" FROM "ledger_entries" AS "e" INNER JOIN "clients" ON "clients"."id" = "e"."client_id" WHERE "e"."reverses_entry_id" = ?"#
            ),
            all_shops(&["ledger_entries", "clients"])
        );
        assert_eq!(
            reach("delete from client_labels where label_id = ?"),
            all_shops(&["client_labels"])
        );
    }

    #[test]
    fn platform_tables_schema_changes_and_literals_are_not_shop_reads() {
        assert_eq!(
            reach(
                r#"SELECT "sessions"."user_id" FROM "sessions" WHERE "sessions"."token_hash" = $1"#
            ),
            Reach::NoShopTable
        );
        assert_eq!(
            reach(r#"SELECT "users"."id" FROM "users" WHERE "users"."email" = $1"#),
            Reach::NoShopTable
        );
        assert_eq!(
            reach("ALTER TABLE clients ADD COLUMN country TEXT"),
            Reach::NoShopTable
        );
        assert_eq!(
            reach("SELECT 'from clients' AS note FROM shops"),
            Reach::NoShopTable
        );
        // An upsert's DO UPDATE SET is not a table named "set".
        assert_eq!(
            reach(
                "INSERT INTO shop_days (shop_id, day, visits) VALUES (?, ?, 1) ON CONFLICT (shop_id, day) DO UPDATE SET visits = shop_days.visits + 1"
            ),
            Reach::OneShop
        );
    }

    #[tokio::test]
    async fn only_statements_of_a_checked_request_are_kept_and_support_is_exempt() {
        let check = StatementCheck::default();
        let observe = check.observe();
        let by_id = sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT cost FROM rewards WHERE id = 1",
        );
        let info = |statement| sea_orm::metric::Info {
            elapsed: std::time::Duration::ZERO,
            statement,
            failed: false,
        };
        observe(&info(&by_id));
        assert!(
            check.statements_across_shops().is_empty(),
            "outside a request"
        );
        StatementCheck::checked(across_shops("support", async { observe(&info(&by_id)) })).await;
        assert!(
            check.statements_across_shops().is_empty(),
            "support's search"
        );
        StatementCheck::checked(async { observe(&info(&by_id)) }).await;
        assert_eq!(
            check.statements_across_shops(),
            vec!["rewards — SELECT cost FROM rewards WHERE id = 1".to_owned()]
        );
    }
}
