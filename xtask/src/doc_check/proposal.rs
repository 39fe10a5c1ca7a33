//! `doc-check --propose [--write]`: gathers the proposals of every page,
//! prints each edit at its place, and with `--write` applies them, reloads
//! the result, re-runs the comparison, and only then replaces the spec file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use serde_json::Value;

use super::difference::{Difference, Kind};
use super::errata::KnownDifference;
use super::propose::{self, PageProposal, SpecEdit};
use super::spec_model::Spec;
use super::yaml_edit::{Document, TextEdit};
use super::{Args, PageInput, check_all, exit_code, page};

/// What one page asks for.
struct PagePlan {
    input: usize,
    proposal: PageProposal,
    /// The page's operation is new: after writing, the page must compare.
    new_operation: bool,
}

pub fn run(
    args: &Args,
    spec_path: &Path,
    spec: &Spec,
    known: &[KnownDifference],
    inputs: &[PageInput],
) -> anyhow::Result<ExitCode> {
    let report = check_all(spec, known, inputs, args.strict);
    let mut plans = Vec::new();
    let mut out = String::new();
    for (index, (input, page_report)) in inputs.iter().zip(&report.pages).enumerate() {
        let parsed = page::parse(&input.text);
        let plan = match (&page_report.outcome, parsed) {
            (_, Err(why)) => {
                let _ = writeln!(
                    out,
                    "page {}: CANNOT PARSE, nothing proposed: {why}",
                    input.page_id
                );
                continue;
            }
            (Ok(findings), Ok(page)) => {
                let unexplained: Vec<Difference> = findings
                    .differences
                    .iter()
                    .filter(|(_, known)| known.is_none())
                    .map(|(d, _)| d.clone())
                    .collect();
                if unexplained.is_empty() {
                    continue;
                }
                let operation = spec
                    .operation(&page.method, &page.uri)
                    .map_err(|why| anyhow!("page {}: {why}", input.page_id))?;
                let proposal = propose::for_operation(
                    &page,
                    &input.page_id,
                    spec,
                    &operation.pointer,
                    &unexplained,
                )
                .map_err(|why| anyhow!("page {}: {why}", input.page_id))?;
                PagePlan {
                    input: index,
                    proposal,
                    new_operation: false,
                }
            }
            (Err(why), Ok(page)) => {
                if spec.operation(&page.method, &page.uri).is_ok() {
                    let _ = writeln!(out, "page {}: nothing proposed: {why}", input.page_id);
                    continue;
                }
                let proposal = propose::new_operation(
                    &page,
                    &input.page_id,
                    spec,
                    args.operation_id.as_deref(),
                )
                .map_err(|why| anyhow!("page {}: {why}", input.page_id))?;
                PagePlan {
                    input: index,
                    proposal,
                    new_operation: true,
                }
            }
        };
        plans.push(plan);
    }
    deduplicate(&mut plans, inputs);

    let all: Vec<SpecEdit> = plans
        .iter()
        .flat_map(|plan| &plan.proposal.proposed)
        .flat_map(|p| p.edits.iter().cloned())
        .collect();
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| anyhow!("cannot read the spec {}: {e}", spec_path.display()))?;
    let document =
        Document::parse(&text).map_err(|why| anyhow!("{}: {why}", spec_path.display()))?;
    let text_edits = super::apply::text_edits(&document, &spec.document, &all)
        .map_err(|why| anyhow!("{}: {why}; nothing written", spec_path.display()))?;
    print_plans(&mut out, &plans, inputs, &text_edits);
    print!("{out}");

    if all.is_empty() {
        println!("nothing to propose");
        return Ok(exit_code(&report));
    }
    if !args.write {
        println!(
            "{} edit(s) proposed for {}; `--propose --write` applies them",
            all.len(),
            spec_path.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let edits: Vec<TextEdit> = text_edits.into_iter().map(|(_, edit)| edit).collect();
    let edited = document
        .apply(&edits)
        .map_err(|why| anyhow!("{}: {why}; nothing written", spec_path.display()))?;
    let value: Value = serde_yaml_ng::from_str(&edited).map_err(|e| {
        anyhow!(
            "{}: the edited spec would not load ({e}); nothing written",
            spec_path.display()
        )
    })?;
    super::apply::check_landed(&value, &all)
        .and_then(|()| super::apply::check_nothing_else(&spec.document, &value, &all))
        .map_err(|why| anyhow!("{}: {why}; nothing written", spec_path.display()))?;
    let edited_spec = Spec { document: value };
    let after = check_all(&edited_spec, known, inputs, args.strict);
    let mut remaining = Vec::new();
    for plan in &plans {
        let page_report = &after.pages[plan.input];
        let page_id = &page_report.page_id;
        match &page_report.outcome {
            Err(why) => remaining.push(format!("page {page_id}: {why}")),
            Ok(findings) => {
                for (difference, known) in &findings.differences {
                    let key = (difference.kind, difference.path.clone());
                    if known.is_none()
                        && (plan.new_operation || plan.proposal.resolves.contains(&key))
                    {
                        remaining.push(format!(
                            "page {page_id}: {} {} is still there ({})",
                            difference.kind, difference.path, difference.detail
                        ));
                    }
                }
            }
        }
    }
    if !remaining.is_empty() {
        anyhow::bail!(
            "{}: the edits do not make these differences go away; nothing written:\n  {}",
            spec_path.display(),
            remaining.join("\n  ")
        );
    }
    super::apply::write_atomically(spec_path, &edited)?;
    println!(
        "wrote {}; run `cargo xtask generate` next (it writes the JSON rendering \
         openapi/workspace-orders.json and the client), then review the diff and ERRATA\n",
        spec_path.display()
    );
    print!("{}", after.text());
    Ok(exit_code(&after))
}

/// Two pages of one operation (or two operations sharing a schema) can
/// propose the same edit: the first page's stands, and new component schemas
/// no kept edit refers to are dropped.
fn deduplicate(plans: &mut [PagePlan], inputs: &[PageInput]) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for plan in plans.iter_mut() {
        let page_id = &inputs[plan.input].page_id;
        for proposed in &mut plan.proposal.proposed {
            let mut notes = Vec::new();
            proposed.edits.retain(|edit| {
                let target = edit.target();
                match seen.get(&target) {
                    Some(first) => {
                        notes.push(format!("{target}: already proposed from page {first}"));
                        false
                    }
                    None => {
                        seen.insert(target, page_id.clone());
                        true
                    }
                }
            });
            proposed.notes.extend(notes);
        }
        // New schemas that nothing kept refers to.
        let mut referenced = BTreeSet::new();
        for proposed in &plan.proposal.proposed {
            for edit in &proposed.edits {
                if !is_new_schema(edit) {
                    collect_refs(edit_value(edit), &mut referenced);
                }
            }
        }
        let new_schemas: BTreeMap<String, Value> = plan
            .proposal
            .proposed
            .iter()
            .flat_map(|p| &p.edits)
            .filter(|e| is_new_schema(e))
            .filter_map(|e| match e {
                SpecEdit::Insert { key, value, .. } => Some((key.clone(), value.clone())),
                _ => None,
            })
            .collect();
        let mut queue: Vec<String> = referenced.iter().cloned().collect();
        while let Some(name) = queue.pop() {
            if let Some(value) = new_schemas.get(&name) {
                let mut inner = BTreeSet::new();
                collect_refs(Some(value), &mut inner);
                for child in inner {
                    if referenced.insert(child.clone()) {
                        queue.push(child);
                    }
                }
            }
        }
        for proposed in &mut plan.proposal.proposed {
            proposed.edits.retain(|edit| match edit {
                SpecEdit::Insert { key, .. } if is_new_schema(edit) => referenced.contains(key),
                _ => true,
            });
        }
        plan.proposal
            .proposed
            .retain(|p| !p.edits.is_empty() || !p.notes.is_empty());
    }
}

fn is_new_schema(edit: &SpecEdit) -> bool {
    matches!(edit, SpecEdit::Insert { parent, .. } if parent == "/components/schemas")
}

fn edit_value(edit: &SpecEdit) -> Option<&Value> {
    match edit {
        SpecEdit::Insert { value, .. } | SpecEdit::Replace { value, .. } => Some(value),
        _ => None,
    }
}

/// The component schema names `value` refers to.
fn collect_refs(value: Option<&Value>, names: &mut BTreeSet<String>) {
    match value {
        Some(Value::Object(map)) => {
            for (key, child) in map {
                if key == "$ref"
                    && let Some(name) = child
                        .as_str()
                        .and_then(workspace_orders_openapi::reference::schema_name)
                {
                    names.insert(name.to_string());
                }
                collect_refs(Some(child), names);
            }
        }
        Some(Value::Array(items)) => {
            for item in items {
                collect_refs(Some(item), names);
            }
        }
        _ => {}
    }
}

fn print_plans(
    out: &mut String,
    plans: &[PagePlan],
    inputs: &[PageInput],
    text_edits: &[(usize, TextEdit)],
) {
    let mut index = 0;
    for plan in plans {
        let input = &inputs[plan.input];
        let _ = writeln!(out, "page {} ({})", input.page_id, input.file.display());
        for proposed in &plan.proposal.proposed {
            let _ = writeln!(out, "  {}", proposed.what);
            for edit in &proposed.edits {
                let _ = writeln!(out, "    {}", edit.target());
                let mine: Vec<&TextEdit> = text_edits
                    .iter()
                    .filter(|(i, _)| *i == index)
                    .map(|(_, e)| e)
                    .collect();
                if mine.is_empty() {
                    let _ = writeln!(out, "      (in the edit of the same list above)");
                }
                for text_edit in mine {
                    write_text_edit(out, text_edit);
                }
                index += 1;
            }
            for note in &proposed.notes {
                let _ = writeln!(out, "    note: {note}");
            }
        }
        if !plan.proposal.not_proposed.is_empty() {
            let _ = writeln!(out, "  not proposed (edit by hand, or explain in ERRATA):");
            for difference in &plan.proposal.not_proposed {
                let _ = writeln!(
                    out,
                    "    {} {}: {}{}",
                    difference.kind,
                    difference.path,
                    difference.detail,
                    hint(difference.kind)
                );
            }
        }
        out.push('\n');
    }
}

fn hint(kind: Kind) -> &'static str {
    match kind {
        Kind::ExtraInSpec | Kind::ResponseFieldExtra | Kind::StatusExtra => {
            " (remove it, or record in ERRATA why the spec keeps it)"
        }
        _ => "",
    }
}

fn write_text_edit(out: &mut String, edit: &TextEdit) {
    let first = edit.from + 1;
    let last = edit.from + edit.count;
    let head = match (edit.count, edit.text.is_empty()) {
        (0, _) => format!("insert before line {first}:"),
        (_, true) => format!("remove lines {first}-{last}"),
        (_, false) => format!("replace lines {first}-{last} with:"),
    };
    let _ = writeln!(out, "      {head}");
    for line in edit.text.lines() {
        let _ = writeln!(out, "      | {line}");
    }
}
