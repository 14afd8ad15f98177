//! Generates the `i18n` module from `locales/{fr,en}.json`: French first, English second.
//!
//! It calls leptos_i18n's parser and code generator directly, as `leptos_i18n_build` does: that
//! crate also brings ICU's data exporter (a few hundred crates' worth of compile time, twice:
//! for the server and for the WebAssembly), which only date and number formatting use.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_parser::parse_locales::options::{Config, ParseOptions};
use leptos_i18n_parser::parse_locales::parse_locales;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let config = Config::new("fr")?
        .add_locale("en")?
        .locales_path("../locales")
        .parse_options(ParseOptions::default().interpolate_display(true));
    let parsed = parse_locales(None, config)?;
    for warning in parsed.diag.warnings().iter() {
        println!("cargo::warning={warning}");
    }
    for error in parsed.diag.errors().iter() {
        println!("cargo::error={error}");
    }
    for path in parsed.tracked_files.iter().flatten() {
        println!("cargo::rerun-if-changed={path}");
    }
    let code = leptos_i18n_codegen::gen_code(&parsed, None, false, None, true)?;
    let module = out_dir.join("i18n");
    std::fs::create_dir_all(&module)?;
    std::fs::write(module.join("mod.rs"), code.to_string())?;
    Ok(())
}
