# Sourced by the scripts: tools installed by scripts/setup come first on PATH (wasm-bindgen,
# and npm's binaryen for wasm-opt), and every cargo command sees the output name Leptos compiles
# in, so the builds of scripts/start, scripts/test and cargo-leptos share their artifacts.
export PATH="$HOME/.cargo/bin:$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/end2end/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export LEPTOS_OUTPUT_NAME=comptoir
# Builds from scratch, not edit after edit: incremental caches made a first build 100 s longer.
# (scripts/watch, for editing, turns them back on.)
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
