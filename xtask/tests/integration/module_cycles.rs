//! No two modules of a crate import each other, directly or around a loop: each
//! file does one job, and a loop means two jobs are tangled (issue 16 broke
//! `endpoint.rs` <-> `operation.rs` and the mock's `handler.rs` <-> `server.rs`).
//!
//! A module's dependencies are the `crate::<module>` paths in its code lines
//! (comments, doc links included, are not imports), up to its `#[cfg(test)]` unit
//! tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

const CRATES: [&str; 4] = [
    "crates/huaweicloud-workspace-orders",
    "crates/workspace-orders-mock",
    "crates/workspace-orders-cli",
    "crates/workspace-orders-openapi",
];

/// Edges left out of the graph, each with its reason (none today).
const TOLERATED: [(&str, &str, &str); 0] = [];

/// The top-level modules of the crate at `dir`, with the modules each one names.
fn module_graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let src = dir.join("src");
    let mut sources = BTreeMap::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let (name, file) = if path.is_dir() {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                path.join("mod.rs"),
            )
        } else if path.extension().is_some_and(|e| e == "rs") {
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                path.clone(),
            )
        } else {
            continue;
        };
        if name == "lib" || name == "main" || !file.exists() {
            continue;
        }
        sources.insert(name, fs::read_to_string(file).unwrap());
    }
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .into_iter()
        .map(|(name, text)| {
            let mut uses = BTreeSet::new();
            // A module's unit tests (at its end) may use any module.
            let code_text = text.split("#[cfg(test)]").next().unwrap_or("");
            for line in code_text.lines() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for (at, _) in code.match_indices("crate::") {
                    let rest = &code[at + "crate::".len()..];
                    let used: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    // `use crate::{a, b}` names several.
                    let named: Vec<String> = if let Some(list) = rest.strip_prefix('{') {
                        list.split(['}', ','])
                            .map(|part| part.trim().split("::").next().unwrap_or("").to_owned())
                            .collect()
                    } else {
                        vec![used]
                    };
                    for module in named {
                        if module != name && modules.contains(&module) {
                            uses.insert(module);
                        }
                    }
                }
            }
            (name, uses)
        })
        .collect()
}

/// A loop of modules, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for krate in CRATES {
        let mut graph = module_graph(&root.join(krate));
        for (tolerated_crate, from, to) in TOLERATED {
            if tolerated_crate == krate {
                let uses = graph.get_mut(from).expect("the tolerated module exists");
                assert!(
                    uses.remove(to),
                    "{krate}: {from} no longer uses {to}: drop it from TOLERATED"
                );
            }
        }
        assert!(graph.len() > 3, "{krate}: too few modules found: {graph:?}");
        assert_eq!(find_cycle(&graph), None, "{krate}: an import cycle");
    }
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("endpoint", vec!["operation"]),
        ("operation", vec!["service", "endpoint"]),
        ("service", vec![]),
    ]
    .into_iter()
    .map(|(name, uses)| {
        (
            name.to_owned(),
            uses.into_iter().map(str::to_owned).collect(),
        )
    })
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec![
            "endpoint".into(),
            "operation".into(),
            "endpoint".into()
        ])
    );
}
