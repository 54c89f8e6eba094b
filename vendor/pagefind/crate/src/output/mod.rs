use std::path::PathBuf;
use std::time::Duration;

use crate::index::PagefindIndexes;
use crate::{SearchOptions, PAGEFIND_VERSION};
use flate2::Compression;
use futures::future::join_all;
use rayon::prelude::*;
use std::collections::BTreeMap;
use include_dir::{include_dir, Dir};
use tokio::fs::{create_dir_all, File};
use tokio::io::AsyncWriteExt;
use tokio::time::sleep;

mod entry;

const GENERIC_WEB_WASM: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/wasm/pagefind_web_bg.unknown.",
    env!("CARGO_PKG_VERSION"),
    ".wasm.gz"
));
const WEB_WASM_FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/vendor/wasm");

const WEB_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const WEB_MODULAR_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_modular_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_MODULAR_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_modular_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const COMPONENT_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_component_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const COMPONENT_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_component_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const HIGHLIGHT_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_highlight.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
// Minified by build.rs when the crate is compiled.
const PAGEFIND_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pagefind.js"));
const PAGEFIND_WORKER_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pagefind-worker.js"));

pub struct LanguageMeta {
    pub page_count: usize,
    pub language: String,
    pub hash: String,
    pub wasm: Option<String>,
}

pub async fn write_common_to_disk(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
) {
    write_common(language_indexes, output_playground, outdir, options, false).await;
}

pub async fn write_common_to_memory(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
) -> Vec<SyntheticFile> {
    write_common(language_indexes, output_playground, outdir, options, true)
        .await
        .unwrap()
}

async fn write_common(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
    synthetic: bool,
) -> Option<Vec<SyntheticFile>> {
    let entry_meta = entry::PagefindEntryMeta {
        version: PAGEFIND_VERSION,
        languages: BTreeMap::from_iter(language_indexes.into_iter().map(|i| {
            (
                i.language,
                entry::PagefindEntryLanguage {
                    hash: i.hash,
                    wasm: i.wasm,
                    page_count: i.page_count,
                },
            )
        })),
        include_characters: options.include_characters.clone(),
    };
    let encoded_entry_meta = serde_json::to_string(&entry_meta).unwrap();

    let write_behavior = if synthetic {
        WriteBehavior::Synthetic
    } else {
        WriteBehavior::Disk
    };

    let mut files = vec![
        write(
            outdir.join("pagefind.js"),
            vec![PAGEFIND_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-highlight.js"),
            vec![HIGHLIGHT_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-worker.js"),
            vec![PAGEFIND_WORKER_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-ui.js"),
            vec![WEB_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-ui.css"),
            vec![WEB_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-modular-ui.js"),
            vec![WEB_MODULAR_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-modular-ui.css"),
            vec![WEB_MODULAR_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-component-ui.js"),
            vec![COMPONENT_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-component-ui.css"),
            vec![COMPONENT_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("wasm.unknown.pagefind"),
            vec![GENERIC_WEB_WASM],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-entry.json"),
            vec![encoded_entry_meta.as_bytes()],
            Compress::None,
            write_behavior,
        ),
    ];

    if output_playground {
        files.extend([
            write(
                outdir.join("playground/index.html"),
                vec![crate::playground::PLAYGROUND_HTML.as_bytes()],
                Compress::None,
                write_behavior,
            ),
            write(
                outdir.join("playground/pagefind-playground.js"),
                vec![crate::playground::PLAYGROUND_JS.as_bytes()],
                Compress::None,
                write_behavior,
            ),
            write(
                outdir.join("playground/pagefind-playground.css"),
                vec![crate::playground::PLAYGROUND_CSS.as_bytes()],
                Compress::None,
                write_behavior,
            ),
        ]);
    }

    let output_files = join_all(files).await;

    if synthetic {
        Some(output_files.into_iter().flatten().collect())
    } else {
        None
    }
}

impl PagefindIndexes {
    fn lang_wasm_path(&self) -> Option<String> {
        let base_language = self.language.split('-').next().unwrap();
        let wasm_path = format!(
            "pagefind_web_bg.{}.{}.wasm.gz",
            base_language,
            env!("CARGO_PKG_VERSION")
        );

        if WEB_WASM_FILES.contains(&wasm_path) {
            Some(wasm_path)
        } else {
            None
        }
    }

    pub fn get_lang_meta(&self, options: &SearchOptions) -> LanguageMeta {
        let mut wasm_file = None;

        if self.language != "unknown" {
            if self.lang_wasm_path().is_some() {
                wasm_file = Some(self.language.to_string());
            } else {
                options.logger.v_warn(format!(
                    "Note: Pagefind doesn't support stemming for the language {}. \n\
                    Search will still work, but will not match across root words.",
                    self.language
                ));
            }
        }

        LanguageMeta {
            page_count: self.page_count,
            language: self.language.clone(),
            hash: self.meta_index.0.clone(),
            wasm: wasm_file,
        }
    }

    pub async fn write_files_to_disk(&self, options: &SearchOptions, outdir: &PathBuf) {
        self.write_files(options, outdir, false).await;
    }

    pub async fn write_files_to_memory(
        &self,
        options: &SearchOptions,
        outdir: &PathBuf,
    ) -> Vec<SyntheticFile> {
        self.write_files(options, outdir, true).await.unwrap()
    }

    async fn write_files(
        &self,
        options: &SearchOptions,
        outdir: &PathBuf,
        synthetic: bool,
    ) -> Option<Vec<SyntheticFile>> {
        let immutable_write_behaviour = if synthetic {
            WriteBehavior::Synthetic
        } else {
            WriteBehavior::Immutable
        };

        let mut files = vec![write(
            outdir.join(format!("pagefind.{}.pf_meta", &self.meta_index.0)),
            vec![&self.meta_index.1],
            Compress::GZ(Level::Default),
            immutable_write_behaviour,
        )];

        if self.language != "unknown" {
            if let Some(wasm_path) = self.lang_wasm_path() {
                files.push(write(
                    outdir.join(format!("wasm.{}.pagefind", self.language)),
                    vec![WEB_WASM_FILES
                        .get_file(wasm_path)
                        .expect("WASM should exist")
                        .contents()],
                    Compress::None,
                    if synthetic {
                        WriteBehavior::Synthetic
                    } else {
                        WriteBehavior::Disk
                    },
                ));
            } else {
                options.logger.v_warn(format!(
                    "Note: Pagefind doesn't support stemming for the language {}. \n\
                    Search will still work, but will not match across root words.",
                    self.language
                ));
            }
        }

        // The fragments were gzipped as their pages were packed.
        files.extend(self.fragments.iter().map(|(hash, fragment)| {
            let filename = outdir.join(format!("fragment/{}.pf_fragment", hash));
            write(filename, vec![&fragment[..]], Compress::None, immutable_write_behaviour)
        }));
        let mut chunks: Vec<(PathBuf, &[u8], Level)> = Vec::new();
        chunks.extend(self.word_indexes.iter().map(|(hash, index)| {
            let filename = outdir.join(format!("index/{}.pf_index", hash));
            (filename, index.as_slice(), Level::Default)
        }));
        chunks.extend(self.filter_indexes.iter().map(|(hash, index)| {
            let filename = outdir.join(format!("filter/{}.pf_filter", hash));
            (filename, index.as_slice(), Level::Default)
        }));

        if synthetic {
            // In memory, the chunks are compressed in parallel (rayon), not one after
            // another on this task.
            let mut output_files: Vec<SyntheticFile> =
                join_all(files).await.into_iter().flatten().collect();
            output_files.par_extend(chunks.into_par_iter().map(|(filename, content, level)| {
                let contents = gzip(level, &[content]);
                SyntheticFile { filename, contents }
            }));
            return Some(output_files);
        }

        files.extend(chunks.into_iter().map(|(filename, content, level)| {
            write(filename, vec![content], Compress::GZ(level), immutable_write_behaviour)
        }));
        join_all(files).await;
        None
    }
}

#[derive(Copy, Clone)]
enum Compress {
    GZ(Level),
    None,
}

/// How hard [`gzip`] compresses.
#[derive(Copy, Clone)]
pub(crate) enum Level {
    /// flate2's default (6), for the index and filter chunks and the metadata: several
    /// times faster than `best`, and the 10,000-page index grows by 0.2 % (1,906,616
    /// bytes against 1,902,655).
    Default,
    /// Level 3, for fragments: their 10,000 fragments took 316 ms of CPU at the default
    /// level and 191 ms at 3 (3.23 MB instead of 3.08). The fastest level (79 ms, 4.2 MB)
    /// is too big for the browser: a page of results loads ten fragments, and a two-word
    /// query went from 289 to 305 KB transferred.
    Fragments,
}

#[derive(Copy, Clone)]
enum WriteBehavior {
    Synthetic,
    Immutable,
    Disk,
}

#[derive(Clone)]
pub struct SyntheticFile {
    pub filename: PathBuf,
    pub contents: Vec<u8>,
}

async fn write(
    filename: PathBuf,
    content_chunks: Vec<&[u8]>,
    compression: Compress,
    write_behavior: WriteBehavior,
) -> Option<SyntheticFile> {
    let mut file = None;

    match write_behavior {
        WriteBehavior::Synthetic => {}
        // For "immutable" (hashed) files, don't re-write them as the contents _should_ be unchanged.
        WriteBehavior::Immutable if filename.exists() => return None,
        WriteBehavior::Immutable | WriteBehavior::Disk => {
            if let Some(parent) = filename.parent() {
                create_dir_all(parent).await.unwrap();
            }

            let mut output_file = File::create(&filename).await;
            while output_file.is_err() {
                sleep(Duration::from_millis(100)).await;
                output_file = File::create(&filename).await;
            }
            file = output_file.ok();
        }
    };

    match compression {
        Compress::GZ(level) => {
            let contents = gzip(level, &content_chunks);
            if let Some(mut file) = file {
                file.write_all(&contents).await.unwrap();
                // `write_all` resolving only means the bytes are in tokio's
                // buffer; the blocking-pool write to disk may still be in
                // flight. Flush before the file drops, or a service-mode
                // consumer can receive the WriteFiles acknowledgement and
                // close the process while a file is half written, shipping
                // a truncated asset.
                file.flush().await.unwrap();
            } else {
                return Some(SyntheticFile { filename, contents });
            }
            None
        }
        Compress::None => {
            if let Some(mut file) = file {
                for chunk in content_chunks {
                    file.write_all(chunk).await.unwrap();
                }
                file.flush().await.unwrap();
                None
            } else {
                return Some(SyntheticFile {
                    filename,
                    contents: content_chunks.into_iter().flatten().cloned().collect(),
                });
            }
        }
    }
}

/// The gzipped chunks, each after Pagefind's `pagefind_dcd` marker: the bytes `GzEncoder`
/// makes, with one deflate state per thread and level, reset between files (setting one up
/// was a third of the time of compressing a small fragment).
pub(crate) fn gzip(level: Level, content_chunks: &[&[u8]]) -> Vec<u8> {
    use flate2::{Compress, Crc, FlushCompress, Status};
    thread_local! {
        static DEFAULT: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::default(), false));
        static FRAGMENTS: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(3), false));
    }
    let deflater = match level {
        Level::Default => &DEFAULT,
        Level::Fragments => &FRAGMENTS,
    };
    const MARKER: &[u8] = b"pagefind_dcd";
    let size: usize = content_chunks.iter().map(|c| MARKER.len() + c.len()).sum();
    // The header GzEncoder writes: no name, no time, unknown OS.
    let mut out = Vec::with_capacity(size / 3 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut crc = Crc::new();
    deflater.with(|deflate| {
        let deflate = &mut *deflate.borrow_mut();
        deflate.reset();
        for part in content_chunks.iter().flat_map(|chunk| [MARKER, *chunk]) {
            crc.update(part);
            let mut input = part;
            while !input.is_empty() {
                out.reserve(input.len() / 2 + 1024);
                let before = deflate.total_in();
                deflate.compress_vec(input, &mut out, FlushCompress::None).unwrap();
                input = &input[(deflate.total_in() - before) as usize..];
            }
        }
        loop {
            out.reserve(1024);
            let status = deflate.compress_vec(&[], &mut out, FlushCompress::Finish).unwrap();
            if status == Status::StreamEnd {
                break;
            }
        }
    });
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    out
}

/// The content of a file [`gzip`] made, without Pagefind's marker.
pub(crate) fn gunzip(file: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .expect("a file gzip made");
    out.split_off(b"pagefind_dcd".len().min(out.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    /// What `GzEncoder` makes of the chunks, each after the marker.
    fn gz_encoder(level: u32, content_chunks: &[&[u8]]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::new(level));
        for chunk in content_chunks {
            gz.write_all(b"pagefind_dcd").unwrap();
            gz.write_all(chunk).unwrap();
        }
        gz.finish().unwrap()
    }

    #[test]
    fn scripts_are_minified_as_at_run_time() {
        let vendored = |name: &str| {
            let path = format!("{}/vendor/{name}.{PAGEFIND_VERSION}.js", env!("CARGO_MANIFEST_DIR"));
            String::from_utf8(std::fs::read(path).unwrap()).unwrap()
        };
        let js_version = format!("const pagefind_version = \"{PAGEFIND_VERSION}\";");
        let web = vendored("pagefind_web");
        for (built, rest) in [
            (PAGEFIND_JS, "pagefind_public_search_api"),
            (PAGEFIND_WORKER_JS, "pagefind_worker"),
        ] {
            let mut script = vec![];
            let source = format!("{js_version}\n{web}\n{}", vendored(rest));
            minifier::js::minify(&source).unwrap().write(&mut script).unwrap();
            assert_eq!(built, script.as_slice(), "{rest}");
        }
    }

    #[test]
    fn gzip_makes_the_bytes_of_gz_encoder() {
        let long: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let cases: [&[&[u8]]; 4] = [&[], &[b""], &[b"{\"url\":\"/a/\"}"], &[b"one", &long, b"two"]];
        for chunks in cases {
            // Twice, so that the second reuses the thread's deflate state.
            for _ in 0..2 {
                assert_eq!(gzip(Level::Default, chunks), gz_encoder(6, chunks));
                assert_eq!(gzip(Level::Fragments, chunks), gz_encoder(3, chunks));
            }
        }
    }
}
