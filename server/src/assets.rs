//! The built front-end files: their names (hashed by scripts/build-site, as cargo-leptos does), the
//! service worker that keeps them for offline starts, and how long a browser may keep each answer.

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;

/// The app's script, WebAssembly and stylesheet under `/pkg/`, named as the last build wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltAssets {
    pub script: String,
    pub wasm: String,
    pub stylesheet: String,
    /// The content hashes in the names, when the build added them.
    pub hashes: Option<String>,
}

/// The `js: …`, `wasm: …` and `css: …` lines of the hash file (scripts/build-site and cargo-leptos
/// write the same).
#[derive(Debug, Default, PartialEq, Eq)]
struct Hashes {
    script: Option<String>,
    wasm: Option<String>,
    stylesheet: Option<String>,
}

fn parse_hashes(text: &str) -> Hashes {
    let mut hashes = Hashes::default();
    for (kind, hash) in text.lines().filter_map(|line| line.split_once(':')) {
        let hash = Some(hash.trim().to_owned());
        match kind.trim() {
            "js" => hashes.script = hash,
            "wasm" => hashes.wasm = hash,
            "css" => hashes.stylesheet = hash,
            _ => {}
        }
    }
    hashes
}

/// Where Leptos looks for the hash file: beside the running server binary.
pub fn hash_file_path(options: &LeptosOptions) -> Option<PathBuf> {
    let executable = std::env::current_exe().ok()?;
    Some(executable.parent()?.join(options.hash_file.as_ref()))
}

impl BuiltAssets {
    pub fn from_options(options: &LeptosOptions) -> Self {
        let hashes = options
            .hash_files
            .then(|| hash_file_path(options))
            .flatten()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| parse_hashes(&text))
            .unwrap_or_default();
        Self::named(&options.output_name, hashes)
    }

    fn named(output_name: &str, hashes: Hashes) -> Self {
        let file = |hash: &Option<String>, extension: &str| match hash {
            Some(hash) => format!("{output_name}.{hash}.{extension}"),
            None => format!("{output_name}.{extension}"),
        };
        let all_hashes = match (&hashes.script, &hashes.wasm, &hashes.stylesheet) {
            (Some(script), Some(wasm), Some(stylesheet)) => {
                Some(format!("{script}{wasm}{stylesheet}"))
            }
            _ => None,
        };
        Self {
            script: file(&hashes.script, "js"),
            wasm: file(&hashes.wasm, "wasm"),
            stylesheet: file(&hashes.stylesheet, "css"),
            hashes: all_hashes,
        }
    }
}

/// A server started outside cargo-leptos (`scripts/start`, the browser tests, a release) is not told
/// that file names are hashed: it finds out from the hash file the build left beside it, as long
/// as the files it names are in the site folder (a later build of the other profile replaces
/// them; the server then says so instead of serving pages whose scripts are missing).
pub fn detect_hashed_names(options: &mut LeptosOptions) {
    if options.hash_files || std::env::var_os("LEPTOS_HASH_FILES").is_some() {
        return;
    }
    let Some(path) = hash_file_path(options).filter(|path| path.exists()) else {
        return;
    };
    let mut hashed = options.clone();
    hashed.hash_files = true;
    let assets = BuiltAssets::from_options(&hashed);
    let wasm = Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join(&assets.wasm);
    if wasm.exists() {
        *options = hashed;
    } else {
        tracing::error!(
            hash_file = %path.display(),
            missing = %wasm.display(),
            "the site folder is from another build: run scripts/build-site (--release for a release server)"
        );
    }
}

/// The worker's code; the server fills in the files to keep and the cache's name.
const SERVICE_WORKER_TEMPLATE: &str = include_str!("service_worker.js");

/// Public files the worker keeps besides the built ones: the page shown offline, and what
/// installing the app needs.
const OFFLINE_FILES: [&str; 4] = [
    "/offline.html",
    "/offline.css",
    "/manifest.webmanifest",
    "/icons/icon-192.png",
];

/// The service worker for this build: it precaches exactly the built files, in a cache named
/// after their hashes, so a new build replaces the old cache.
pub fn service_worker_script(assets: &BuiltAssets, pkg_dir: &str) -> String {
    let pkg = pkg_dir.trim_matches('/');
    let mut files: Vec<String> = [&assets.stylesheet, &assets.script, &assets.wasm]
        .into_iter()
        .map(|name| format!("/{pkg}/{name}"))
        .collect();
    files.extend(OFFLINE_FILES.iter().map(|file| (*file).to_owned()));
    let version = match &assets.hashes {
        Some(hashes) => format!("comptoir-{}", &hashes[..hashes.len().min(24)]),
        None => "comptoir-unhashed".to_owned(),
    };
    SERVICE_WORKER_TEMPLATE
        .replace("__PKG_PREFIX__", &format!("/{pkg}/"))
        .replace(
            "__PRECACHE__",
            &serde_json::to_string(&files).unwrap_or_else(|_| "[]".to_owned()),
        )
        .replace("__CACHE_NAME__", &version)
        .replace("__TILL_PAGE__", app::model::routes::TILL)
}

/// `GET /sw.js`.
pub async fn service_worker(State(options): State<LeptosOptions>) -> Response {
    let script = service_worker_script(&BuiltAssets::from_options(&options), &options.site_pkg_dir);
    (
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        script,
    )
        .into_response()
}

/// How long a browser (or the service worker) may keep an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// A file whose name changes with its content: kept a year, never asked again.
    Immutable,
    /// A public file whose name stays: kept, but checked with the server before each use.
    Revalidate,
    /// Icons: public and rarely changed, a day is fine.
    OneDay,
    /// Pages, server functions, downloads and errors: they may hold a client's file, so no copy
    /// anywhere (a shared till tablet must show nothing of it once the user has logged out).
    NoStore,
}

impl CachePolicy {
    pub fn for_answer(path: &str, status: StatusCode) -> Self {
        if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
            return Self::NoStore;
        }
        if let Some(file) = path.strip_prefix("/pkg/") {
            return if is_hashed_name(file) {
                Self::Immutable
            } else {
                Self::Revalidate
            };
        }
        if path.starts_with("/icons/") {
            return Self::OneDay;
        }
        match path {
            "/sw.js" | "/manifest.webmanifest" | "/offline.html" | "/offline.css" => {
                Self::Revalidate
            }
            _ => Self::NoStore,
        }
    }

    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Revalidate => "no-cache",
            Self::OneDay => "public, max-age=86400",
            Self::NoStore => "no-store",
        })
    }
}

/// `comptoir.<hash>.wasm`: the build adds the MD5 of the content, 22 base64url characters.
fn is_hashed_name(file: &str) -> bool {
    let mut parts = file.rsplitn(3, '.');
    let (Some(_extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// Gives every answer its `Cache-Control`, unless its handler chose one.
pub async fn apply_cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let policy = CachePolicy::for_answer(&path, response.status());
    response
        .headers_mut()
        .entry(CACHE_CONTROL)
        .or_insert_with(|| policy.header_value());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH_FILE: &str =
        "js: AbCdEfGhIjKlMnOpQrStUv\nwasm: 0123456789abcdefghij_-\ncss: zyxwvutsrqponmlkjihgfe\n";

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let assets = BuiltAssets::named("comptoir", parse_hashes(HASH_FILE));
        assert_eq!(assets.script, "comptoir.AbCdEfGhIjKlMnOpQrStUv.js");
        assert_eq!(assets.wasm, "comptoir.0123456789abcdefghij_-.wasm");
        assert_eq!(assets.stylesheet, "comptoir.zyxwvutsrqponmlkjihgfe.css");
        let plain = BuiltAssets::named("comptoir", Hashes::default());
        assert_eq!(plain.wasm, "comptoir.wasm");
        assert_eq!(plain.hashes, None);
    }

    #[test]
    fn the_service_worker_precaches_this_build_in_a_cache_named_after_it() {
        let assets = BuiltAssets::named("comptoir", parse_hashes(HASH_FILE));
        let script = service_worker_script(&assets, "pkg");
        assert!(script.contains("\"/pkg/comptoir.0123456789abcdefghij_-.wasm\""));
        assert!(script.contains("\"/pkg/comptoir.AbCdEfGhIjKlMnOpQrStUv.js\""));
        assert!(script.contains("\"/pkg/comptoir.zyxwvutsrqponmlkjihgfe.css\""));
        assert!(script.contains("\"/offline.html\""));
        assert!(script.contains("const TILL_PAGE = \"/caisse\""));
        assert!(script.contains("comptoir-AbCdEfGhIjKlMnOpQrStUv01"));
        assert!(!script.contains("__"), "a placeholder was left: {script}");
        let other =
            BuiltAssets::named("comptoir", parse_hashes(&HASH_FILE.replace("AbCd", "WxYz")));
        assert_ne!(
            service_worker_script(&other, "pkg"),
            script,
            "a new build gets a new cache"
        );
    }

    #[test]
    fn only_files_named_by_their_content_are_immutable() {
        let ok = StatusCode::OK;
        assert_eq!(
            CachePolicy::for_answer("/pkg/comptoir.0123456789abcdefghij_-.wasm", ok),
            CachePolicy::Immutable
        );
        assert_eq!(
            CachePolicy::for_answer("/pkg/comptoir.wasm", ok),
            CachePolicy::Revalidate
        );
        assert_eq!(
            CachePolicy::for_answer("/sw.js", ok),
            CachePolicy::Revalidate
        );
        assert_eq!(
            CachePolicy::for_answer("/icons/icon-192.png", ok),
            CachePolicy::OneDay
        );
        for page in ["/clients/3", "/connexion", "/api/session", "/", "/journal"] {
            assert_eq!(CachePolicy::for_answer(page, ok), CachePolicy::NoStore);
        }
        assert_eq!(
            CachePolicy::for_answer(
                "/pkg/comptoir.0123456789abcdefghij_-.wasm",
                StatusCode::NOT_FOUND
            ),
            CachePolicy::NoStore,
            "a missing file is not kept a year"
        );
    }
}
