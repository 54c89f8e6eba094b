//! Minifies Pagefind's two scripts (`pagefind.js`, `pagefind-worker.js`) once, when the crate
//! is compiled, into `OUT_DIR`, instead of on every index build (`output::write_common`): the
//! same bytes, without ~4 ms on each build, which a program that rebuilds its index on every
//! edit of a site pays each time.

use std::path::Path;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let out = std::env::var("OUT_DIR").unwrap();
    let vendored = |name: &str| {
        let path = Path::new(&manifest)
            .join("vendor")
            .join(format!("{name}.{version}.js"));
        println!("cargo:rerun-if-changed={}", path.display());
        String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
    };
    let js_version = format!("const pagefind_version = \"{version}\";");
    let web = vendored("pagefind_web");
    for (file, rest) in [
        ("pagefind.js", "pagefind_public_search_api"),
        ("pagefind-worker.js", "pagefind_worker"),
    ] {
        let mut script = Vec::new();
        let source = format!("{js_version}\n{web}\n{}", vendored(rest));
        minifier::js::minify(&source)
            .expect("Minifying Pagefind JS failed")
            .write(&mut script)
            .expect("Writing minified Pagefind JS failed");
        std::fs::write(Path::new(&out).join(file), script).unwrap();
    }
}
