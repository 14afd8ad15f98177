//! `server precompress`: writes a brotli (`.br`) and a gzip (`.gz`) copy beside each text or
//! WebAssembly file of the built site, once, so the server sends the smallest one a browser
//! accepts without compressing anything per request.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What is worth compressing: PNG icons are compressed already.
const COMPRESSIBLE: [&str; 9] = [
    "wasm",
    "js",
    "css",
    "html",
    "json",
    "webmanifest",
    "svg",
    "txt",
    "ico",
];

/// Below this, the headers cost more than compression saves.
const SMALLEST: u64 = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Brotli 11 and gzip 9: a release, compressed once and served many times.
    Best,
    /// Brotli 5 and gzip 6: a debug build, whose WebAssembly is several times larger.
    Fast,
}

impl Effort {
    fn brotli_quality(self) -> i32 {
        match self {
            Self::Best => 11,
            Self::Fast => 5,
        }
    }

    fn gzip_level(self) -> flate2::Compression {
        match self {
            Self::Best => flate2::Compression::best(),
            Self::Fast => flate2::Compression::default(),
        }
    }
}

/// One file compressed: its sizes before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    pub path: PathBuf,
    pub original: u64,
    pub brotli: u64,
    pub gzip: u64,
}

/// Compresses every compressible file under `root`. A copy newer than its file is kept, so
/// running it again after a build only compresses what the build changed.
pub fn precompress_site(root: &Path, effort: Effort) -> io::Result<Vec<Compressed>> {
    let mut done = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file()
                && is_compressible(&path)
                && entry.metadata()?.len() >= SMALLEST
            {
                done.push(compress_file(&path, effort)?);
            }
        }
    }
    done.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(done)
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| COMPRESSIBLE.contains(&extension))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether `copy` was written after `original` last changed.
fn is_fresh(copy: &Path, original: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|meta| meta.modified());
    matches!((modified(copy), modified(original)), (Ok(copy), Ok(original)) if copy >= original)
}

fn compress_file(path: &Path, effort: Effort) -> io::Result<Compressed> {
    let original = std::fs::metadata(path)?.len();
    let brotli_path = with_suffix(path, ".br");
    if !is_fresh(&brotli_path, path) {
        write_atomically(&brotli_path, |output| {
            let params = brotli::enc::BrotliEncoderParams {
                quality: effort.brotli_quality(),
                lgwin: 22,
                ..Default::default()
            };
            let mut input = BufReader::new(File::open(path)?);
            brotli::BrotliCompress(&mut input, output, &params).map(|_| ())
        })?;
    }
    let gzip_path = with_suffix(path, ".gz");
    if !is_fresh(&gzip_path, path) {
        write_atomically(&gzip_path, |output| {
            let mut encoder = flate2::write::GzEncoder::new(output, effort.gzip_level());
            io::copy(&mut BufReader::new(File::open(path)?), &mut encoder)?;
            encoder.finish().map(|_| ())
        })?;
    }
    Ok(Compressed {
        path: path.to_path_buf(),
        original,
        brotli: std::fs::metadata(&brotli_path)?.len(),
        gzip: std::fs::metadata(&gzip_path)?.len(),
    })
}

/// Writes beside the target and renames, so a server running meanwhile never sends half a file.
fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let partial = with_suffix(target, ".partial");
    let mut output = BufWriter::new(File::create(&partial)?);
    write(&mut output)?;
    output.flush()?;
    drop(output);
    std::fs::rename(&partial, target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn scratch_site() -> PathBuf {
        let root = std::env::temp_dir().join(format!("comptoir-site-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(root.join("pkg")).expect("site folder");
        root
    }

    #[test]
    fn text_files_get_brotli_and_gzip_copies_that_decode_to_them() {
        let root = scratch_site();
        let script = "export function hydrate() { return 42; }\n".repeat(200);
        std::fs::write(root.join("pkg/app.js"), &script).expect("script");
        std::fs::write(root.join("pkg/tiny.css"), "a{}").expect("small file");
        std::fs::write(root.join("icon.png"), vec![7u8; 4096]).expect("image");

        let done = precompress_site(&root, Effort::Fast).expect("compressed");

        assert_eq!(done.len(), 1, "only the script is worth it: {done:?}");
        assert!(done[0].brotli < done[0].original / 10);
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(
            &mut File::open(root.join("pkg/app.js.br")).expect("br"),
            &mut decoded,
        )
        .expect("brotli decodes");
        assert_eq!(decoded, script.as_bytes());
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(File::open(root.join("pkg/app.js.gz")).expect("gz"))
            .read_to_string(&mut unzipped)
            .expect("gzip decodes");
        assert_eq!(unzipped, script);
        assert!(!root.join("icon.png.br").exists());
        assert!(!root.join("pkg/tiny.css.br").exists());
        std::fs::remove_dir_all(root).ok();
    }
}
