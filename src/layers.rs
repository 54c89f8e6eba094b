//! The module map in `lib.rs` must stay true: every module is in exactly one
//! layer, uses only its own layer or lower ones, and no modules import each
//! other in a cycle. Read from the source (`crate::x` paths outside
//! comments), so a new import that breaks the layering fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module → the other modules of the crate its files name: the top-level modules (the
/// folders and the files at `src/`'s root).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    imports_at(1)
}

/// The same for the modules `depth` deep (`resolve::xref` at 2): a file's module is its
/// path's first `depth` parts, and a `crate::a::b::c` path names the longest of its
/// prefixes (up to `depth` parts) that is a module of the crate.
fn imports_at(depth: usize) -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                let parts: Vec<&str> = rel.trim_end_matches(".rs").split('/').filter(|p| *p != "mod").collect();
                let module = parts.iter().take(depth).copied().collect::<Vec<_>>().join("::");
                if module != "lib" && module != "main" {
                    files.push((module, path));
                }
            }
        }
    }
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let used = graph.entry(module.clone()).or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let named: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':')
                    .collect();
                let parts: Vec<&str> = named.split("::").filter(|p| !p.is_empty()).collect();
                let target =
                    (1..=parts.len().min(depth)).rev().map(|n| parts[..n].join("::")).find(|m| modules.contains(m));
                if let Some(target) = target.filter(|t| t != module) {
                    used.insert(target);
                }
            }
        }
    }
    graph
}

/// The layers listed in `lib.rs`'s module docs: `//! N. title: `a`, `b``.
fn layers() -> Vec<Vec<String>> {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter(|l| l.split_once(". ").is_some_and(|(n, _)| n.parse::<usize>().is_ok()))
        .map(|l| l.split('`').skip(1).step_by(2).map(str::to_string).collect())
        .collect()
}

#[test]
fn every_module_uses_only_its_own_layer_or_lower_ones() {
    let graph = imports();
    let layers = layers();
    assert!(layers.len() >= 5, "lib.rs lists its layers: {layers:?}");
    let layer_of: BTreeMap<&str, usize> =
        layers.iter().enumerate().flat_map(|(i, mods)| mods.iter().map(move |m| (m.as_str(), i))).collect();
    for module in graph.keys() {
        assert!(layer_of.contains_key(module.as_str()), "`{module}` is in no layer of lib.rs's module docs");
    }
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        for other in used {
            if let (Some(a), Some(b)) = (layer_of.get(module.as_str()), layer_of.get(other.as_str()))
                && b > a
            {
                wrong.push(format!("`{module}` (layer {}) uses `{other}` (layer {})", a + 1, b + 1));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_modules_import_each_other_in_a_cycle() {
    assert_no_cycle(&imports());
}

/// Within the folders too: no two files import each other, directly or round a circle.
#[test]
fn no_files_of_a_folder_import_each_other_in_a_cycle() {
    assert_no_cycle(&imports_at(2));
}

fn assert_no_cycle(graph: &BTreeMap<String, BTreeSet<String>>) {
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit<'g>(
        m: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for next in graph.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}
