# Sourced by the scripts: tools installed by scripts/setup come first on PATH, so cargo-leptos
# finds wasm-opt (npm binaryen) and never tries to download its own.
export PATH="$HOME/.cargo/bin:$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/end2end/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
