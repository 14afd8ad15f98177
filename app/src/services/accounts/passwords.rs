//! argon2id hashing off the async workers, a few at a time, so a burst of logins cannot starve
//! the rest of the server.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use tokio::sync::Semaphore;

use crate::model::error::AppError;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane (~16 ms a hash).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    /// One core is always left to the rest of the server: a flood of logins slows logins, not
    /// the till's searches and transactions.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::with_concurrency(cores.saturating_sub(1).max(1))
    }
}

impl PasswordHasher {
    pub fn with_concurrency(concurrent_hashes: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrent_hashes.max(1))),
        }
    }

    async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(work).await.map_err(|error| {
            tracing::error!(%error, "password hashing task failed");
            AppError::Internal
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run_blocking(move || {
            let salt = new_salt()?;
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
        })
        .await?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            AppError::Internal
        })
    }

    /// Checks `password` against `stored_hash`; with no hash (unknown account) it checks a dummy
    /// one, so the answer takes the same time either way.
    pub async fn verify(
        &self,
        password: &str,
        stored_hash: Option<&str>,
    ) -> Result<bool, AppError> {
        let password = password.to_owned();
        let known = stored_hash.is_some();
        let stored_hash = stored_hash.map_or_else(|| dummy_hash().to_owned(), str::to_owned);
        let matches = self
            .run_blocking(move || {
                // An account invited but without a password yet costs the same time as any.
                let (stored_hash, usable) = match PasswordHash::new(&stored_hash) {
                    Ok(_) => (stored_hash, true),
                    Err(_) => (dummy_hash().to_owned(), false),
                };
                let verified = PasswordHash::new(&stored_hash)
                    .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
                    .unwrap_or(false);
                usable && verified
            })
            .await?;
        Ok(known && matches)
    }
}

/// 128 random bits, as argon2 recommends.
fn new_salt() -> Result<SaltString, argon2::password_hash::Error> {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    SaltString::encode_b64(&bytes)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        new_salt()
            .and_then(|salt| {
                argon2()
                    .hash_password(
                        b"not a real password, only here to spend the same time",
                        &salt,
                    )
                    .map(|hash| hash.to_string())
            })
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::with_concurrency(1);
        let hash = hasher.hash("Croissant-2026").await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("Croissant-2026", Some(&hash))
                .await
                .expect("verify")
        );
        assert!(
            !hasher
                .verify("croissant-2026", Some(&hash))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = PasswordHasher::with_concurrency(1);
        assert!(!hasher.verify("anything", None).await.expect("verify"));
    }
}
