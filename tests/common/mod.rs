//! Helpers for tests that run the real `dossier` binary on fixture dossiers.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use scraper::{Html, Selector};

/// A fixture copied into a temporary folder, so tests can edit it freely.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn fixture(name: &str) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        copy_dir(&from, dir.path());
        Project { dir }
    }

    /// The shipped dossier (content, config and theme from the repository root).
    pub fn shipped() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&root.join("content"), &dir.path().join("content"));
        fs::copy(root.join("dossier.yaml"), dir.path().join("dossier.yaml")).expect("copy config");
        Project { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `dossier <args> --root <project>`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run dossier")
    }

    /// Builds into `public/`, asserting success.
    pub fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    pub fn page(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(&format!("public/{rel}")))
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every element matching `css`.
pub fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"));
    html.select(&selector).collect()
}

pub fn text(element: &scraper::ElementRef) -> String {
    element.text().collect::<String>()
}

/// A snapshot of every file under `dir`: path and bytes.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.push((entry.path(), fs::read(entry.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The folder of the Chromium scripts (`tests/browser/`). Browser tests are
/// `#[ignore]`d by plain `cargo test` and run by CI with `--include-ignored`;
/// one that cannot run fails here, saying what to install: it never passes silently.
pub fn browser_scripts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        dir.join("node_modules/playwright-core").is_dir() && chromium.exists(),
        "this test drives Chromium: `apt-get install chromium` and `npm install --prefix tests/browser`"
    );
    dir
}

/// Runs the site checker (`tests/browser/site-check.cjs`, see docs/contributing.md) on a
/// built site with `args` (e.g. `--base-path /sub/`). It needs what the browser tests need
/// plus Java and the checker's npm packages; one missing fails here, saying what to install.
pub fn site_check(site: &Path, args: &[&str]) -> Output {
    let dir = browser_scripts();
    let java = Command::new("java").arg("-version").output().is_ok_and(|out| out.status.success());
    let packages = ["axe-core", "parse5", "vnu-jar"].iter().all(|name| dir.join("node_modules").join(name).is_dir());
    assert!(
        java && packages,
        "the site checker needs Java and its npm packages: `apt-get install default-jre-headless` and `npm install --prefix tests/browser`"
    );
    Command::new("node").arg(dir.join("site-check.cjs")).arg(site).args(args).output().expect("run node")
}

/// Every record of the Pagefind index under `site/pagefind/fragment/`, decoded
/// (each fragment is gzipped JSON after Pagefind's `pagefind_dcd` signature).
pub fn search_fragments(site: &Path) -> Vec<serde_json::Value> {
    use std::io::Read;
    let mut records = Vec::new();
    for entry in fs::read_dir(site.join("pagefind/fragment")).expect("a search index") {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut json).expect("gzip");
        let json = json.strip_prefix(b"pagefind_dcd").expect("Pagefind's signature");
        records.push(serde_json::from_slice(json).expect("valid JSON"));
    }
    records
}

/// A `dossier serve` child process, killed on drop.
pub struct Server {
    pub child: Child,
    /// The port it listens on, read from its banner (so `--port 0` works).
    pub port: u16,
    /// The line it printed: `Serving on http://…/ (Ctrl-C to stop)`.
    pub banner: String,
    /// Everything it printed on stderr after the banner, so far.
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// Spawns `command` (a `dossier serve …`) and waits for its banner; `None` if it exits first.
    pub fn start(mut command: Command) -> Option<Server> {
        let mut child = command.stderr(Stdio::piped()).spawn().expect("spawn dossier serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let banner = lines.by_ref().map_while(Result::ok).find(|line| line.starts_with("Serving on"));
        let port = banner.as_deref().and_then(|b| b.rsplit(':').next()?.split('/').next()?.parse().ok());
        let (Some(banner), Some(port)) = (banner, port) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                eprintln!("[serve] {line}");
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Some(Server { child, port, banner, log })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
