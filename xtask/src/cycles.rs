//! `cargo xtask cycles`: fails when a module of a crate imports, through
//! any chain, a module that imports it back (ARCHITECTURE.md: no import
//! loops).
//!
//! Each source file is a module (`a/b.rs` and `a/b/mod.rs` are `a::b`). A
//! module depends on every module a `crate::`, `super::` or `self::` path
//! in its code names (the longest prefix that is a module; comments are
//! left out, so doc links do not count). A module and its own submodules
//! are one piece: a parent declaring and re-exporting its children, and a
//! child using its parent's types, is no loop. A loop is a cycle among the
//! rest (strongly connected components, Tarjan).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module path (`["intake", "receive"]`) → the crate-internal modules its
/// code names.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// The import loops among the modules under `src` (a crate's `src/`),
/// each as its modules' paths; empty when there are none.
pub fn loops(src: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut files = Vec::new();
    collect(src, &mut files).map_err(|e| format!("{}: {e}", src.display()))?;
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .into_iter()
        .filter_map(|f| Some((module_of(src, &f)?, f)))
        .collect();
    let mut graph = Graph::new();
    for (module, file) in &modules {
        let code = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let uses = graph.entry(module.clone()).or_default();
        for path in paths(&code_only(&code)) {
            let Some(named) = resolve(module, &path) else {
                continue;
            };
            // The longest prefix that is a module of this crate.
            let target = (1..=named.len())
                .rev()
                .map(|n| named[..n].to_vec())
                .find(|p| modules.contains_key(p));
            if let Some(target) = target {
                if !related(module, &target) {
                    uses.insert(target);
                }
            }
        }
    }
    Ok(strongly_connected(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| c.iter().map(|m| display(m)).collect())
        .collect())
}

fn display(module: &[String]) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `src/a/b.rs`, `src/a/b/mod.rs` → `["a", "b"]`; `src/lib.rs` → `[]`;
/// `src/bin/*.rs` and `src/main.rs` (other crates' roots) → none.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") || parts == ["main"] {
        return None;
    }
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    Some(parts)
}

/// The code without comments (line comments and block comments; string
/// literals are kept: a path in a string is rare and harmless here).
fn code_only(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Every path that starts with `crate`, `super` or `self` (including
/// those inside `use … {a, b::c}` groups, as each of their leaves).
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let tokens = tokenize(code);
    let mut i = 0;
    while i < tokens.len() {
        if matches!(tokens[i].as_str(), "crate" | "super" | "self")
            && tokens.get(i + 1).is_some_and(|t| t == "::")
            && (i == 0 || tokens[i - 1] != "::")
        {
            let (end, found) = path_at(&tokens, i, Vec::new());
            out.extend(found);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The paths of the path starting at `tokens[i]`, under `prefix`; the
/// index after it.
fn path_at(tokens: &[String], mut i: usize, mut prefix: Vec<String>) -> (usize, Vec<Vec<String>>) {
    let mut out = Vec::new();
    while let Some(t) = tokens.get(i) {
        if t == "{" {
            // A group: each member is a path under the prefix.
            i += 1;
            while let Some(t) = tokens.get(i) {
                if t == "}" {
                    i += 1;
                    break;
                }
                if t == "," {
                    i += 1;
                    continue;
                }
                let (end, found) = path_at(tokens, i, prefix.clone());
                out.extend(found);
                i = end.max(i + 1);
            }
            return (i, out);
        }
        if !is_ident(t) {
            break;
        }
        prefix.push(t.clone());
        i += 1;
        if tokens.get(i).is_some_and(|t| t == "::") {
            i += 1;
        } else {
            break;
        }
    }
    if !prefix.is_empty() {
        out.push(prefix);
    }
    (i, out)
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn tokenize(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '_') {
                i += 1;
            }
            out.push(bytes[start..i].iter().collect());
        } else if c == ':' && bytes.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// A path as seen from `module`, made absolute (`crate::a::b` → `a::b`).
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|p| p == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// Whether one module is the other or inside it.
fn related(a: &[String], b: &[String]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Tarjan's strongly connected components of `graph`.
fn strongly_connected(graph: &Graph) -> Vec<Vec<Vec<String>>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let Some((w, _)) = graph.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> tempfile_free::Dir {
        let dir = tempfile_free::Dir::new();
        for (path, code) in files {
            let p = dir.0.join(path);
            fs::create_dir_all(p.parent().unwrap_or(&dir.0)).unwrap_or(());
            fs::write(p, code).unwrap_or(());
        }
        dir
    }

    /// A temporary folder without a dependency.
    mod tempfile_free {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let n = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                let p =
                    std::env::temp_dir().join(format!("xtask-cycles-{}-{n}", std::process::id()));
                let _ = std::fs::create_dir_all(&p);
                Dir(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn a_loop_through_use_groups_and_inline_paths_is_found() {
        let dir = crate_of(&[
            ("lib.rs", "mod a; mod b; mod c;"),
            (
                "a.rs",
                "use crate::{b::{X, Y}, c};\n// crate::c::doc_link_only\n",
            ),
            ("b.rs", "fn f() { crate::c::g(); }"),
            ("c/mod.rs", "mod inner; use super::a::Z;"),
            ("c/inner.rs", "use super::super::b::X; use super::Thing;"),
        ]);
        let found = loops(&dir.0).unwrap_or_default();
        assert_eq!(found, vec![vec!["a", "b", "c"]], "{found:?}");
    }

    #[test]
    fn a_parent_and_its_children_are_no_loop() {
        let dir = crate_of(&[
            ("lib.rs", "mod intake; mod store;"),
            (
                "intake/mod.rs",
                "mod receive; pub use receive::R; use crate::store::S;",
            ),
            (
                "intake/receive.rs",
                "use super::{Intake, Result}; use crate::store::now;",
            ),
            ("store.rs", "/// [`crate::intake::Intake`]\npub fn now() {}"),
        ]);
        assert_eq!(loops(&dir.0).unwrap_or_default(), Vec::<Vec<String>>::new());
    }
}
