//! `cargo xtask doc-check PAGE...`: hold plain-text doc pages against the
//! spec, field by field, and fail on every difference `openapi/ERRATA.md`
//! does not explain. With `--propose`, print the spec edit for each such
//! difference (and a whole operation for a page the spec lacks); with
//! `--write`, apply them to the spec file, keeping its comments.

mod apply;
mod compare;
mod difference;
mod errata;
mod field_type;
mod json_schema;
mod page;
mod proposal;
mod propose;
mod report;
mod rules;
mod spec_model;
mod stated;
mod yaml_edit;
mod yaml_emit;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use errata::KnownDifference;
use report::{PageFindings, PageReport, RunReport};
use spec_model::Spec;

/// Command-line arguments of `cargo xtask doc-check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Plain-text doc pages; a page's id is its file name's `NNN_` prefix.
    #[arg(required = true)]
    pub pages: Vec<PathBuf>,
    /// The page id for a single page whose file name has no `NNN_` prefix.
    #[arg(long)]
    pub page_id: Option<String>,
    /// The OpenAPI document (default: this repository's `openapi/workspace-orders.yaml`).
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// The errata (default: this repository's `openapi/ERRATA.md`).
    #[arg(long)]
    pub errata: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also fail on ERRATA lines that match no difference (stale entries).
    #[arg(long)]
    pub strict: bool,
    /// Print the spec edit (JSON pointer, line and YAML text) for each
    /// unexplained difference, and a whole operation for a page the spec lacks.
    #[arg(long, conflicts_with = "json")]
    pub propose: bool,
    /// With --propose: apply the edits to the spec file, keeping comments and
    /// formatting; writes nothing unless the result loads and the differences
    /// are gone. Run `cargo xtask generate` next.
    #[arg(long, requires = "propose")]
    pub write: bool,
    /// With --propose: the operationId of a new operation (default: from the page title).
    #[arg(long, requires = "propose")]
    pub operation_id: Option<String>,
}

/// One page to check: its file, id and text.
pub struct PageInput {
    pub file: PathBuf,
    pub page_id: String,
    pub text: String,
}

/// Runs the doc check; the exit code is non-zero when any page cannot be
/// parsed or has an unexplained difference (or, with `--strict`, when an
/// ERRATA line is stale).
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = repo_root();
    let spec_path = args
        .spec
        .clone()
        .unwrap_or_else(|| root.join("openapi/workspace-orders.yaml"));
    let errata_path = args
        .errata
        .clone()
        .unwrap_or_else(|| root.join("openapi/ERRATA.md"));
    let spec = Spec::load(&spec_path)?;
    let errata_text = std::fs::read_to_string(&errata_path)
        .with_context(|| format!("cannot read the errata {}", errata_path.display()))?;
    let known = errata::parse(&errata_text)
        .map_err(|why| anyhow::anyhow!("{}: {why}", errata_path.display()))?;

    let page_ids = page_ids(args)?;
    let mut inputs = Vec::new();
    for (file, page_id) in args.pages.iter().zip(page_ids) {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the page {}", file.display()))?;
        inputs.push(PageInput {
            file: file.clone(),
            page_id,
            text,
        });
    }
    if args.propose {
        return proposal::run(args, &spec_path, &spec, &known, &inputs);
    }
    let report = check_all(&spec, &known, &inputs, args.strict);
    if args.json {
        println!("{:#}", report.json());
    } else {
        print!("{}", report.text());
    }
    Ok(exit_code(&report))
}

fn exit_code(report: &RunReport) -> ExitCode {
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks every page against `spec`.
fn check_all(
    spec: &Spec,
    known: &[KnownDifference],
    inputs: &[PageInput],
    strict: bool,
) -> RunReport {
    let mut matched = vec![false; known.len()];
    let mut reports = Vec::new();
    for input in inputs {
        reports.push(check_page(
            &input.file,
            input.page_id.clone(),
            &input.text,
            spec,
            known,
            &mut matched,
        ));
    }
    // Only pages that were compared can make an ERRATA line stale.
    let compared: Vec<&str> = reports
        .iter()
        .filter(|r| r.outcome.is_ok())
        .map(|r| r.page_id.as_str())
        .collect();
    let stale = known
        .iter()
        .zip(&matched)
        .filter(|(entry, matched)| !**matched && compared.contains(&entry.page.as_str()))
        .map(|(entry, _)| entry.clone())
        .collect();
    RunReport {
        pages: reports,
        stale,
        strict,
    }
}

/// Each page's id: `--page-id`, or the file name's `NNN_` prefix.
fn page_ids(args: &Args) -> anyhow::Result<Vec<String>> {
    if let Some(id) = &args.page_id {
        if args.pages.len() != 1 {
            anyhow::bail!("--page-id names one page; {} were given", args.pages.len());
        }
        return Ok(vec![id.clone()]);
    }
    let mut ids: Vec<String> = Vec::new();
    for file in &args.pages {
        let id = id_from_file_name(file).with_context(|| {
            format!(
                "{}: the file name has no `NNN_` page prefix; pass --page-id",
                file.display()
            )
        })?;
        if ids.contains(&id) {
            anyhow::bail!("page id {id} given twice ({})", file.display());
        }
        ids.push(id);
    }
    Ok(ids)
}

fn id_from_file_name(file: &Path) -> Option<String> {
    let name = file.file_name()?.to_str()?;
    let (prefix, _) = name.split_once('_')?;
    (prefix.len() == 3 && prefix.bytes().all(|b| b.is_ascii_digit())).then(|| prefix.to_string())
}

fn check_page(
    file: &Path,
    page_id: String,
    text: &str,
    spec: &Spec,
    known: &[KnownDifference],
    matched: &mut [bool],
) -> PageReport {
    let mut report = PageReport {
        file: file.to_path_buf(),
        page_id,
        operation: None,
        outcome: Err(String::new()),
    };
    let parsed = match page::parse(text) {
        Ok(parsed) => parsed,
        Err(why) => {
            report.outcome = Err(why.to_string());
            return report;
        }
    };
    let operation = match spec.operation(&parsed.method, &parsed.uri) {
        Ok(operation) => operation,
        Err(why) => {
            report.operation = Some(format!("{} {}", parsed.method, parsed.uri));
            report.outcome = Err(why);
            return report;
        }
    };
    report.operation = Some(format!(
        "{} {} ({})",
        parsed.method, parsed.uri, operation.id
    ));
    report.outcome = compare::compare(&parsed, spec, &operation)
        .map(|mut comparison| {
            let rules = rules::differences(&parsed, text, &report.page_id, &spec.document);
            comparison.differences.extend(rules);
            comparison
        })
        .map_err(|why| format!("{why} (spec operation {})", operation.pointer))
        .map(|comparison| {
            let differences = comparison
                .differences
                .into_iter()
                .map(|difference| {
                    let mut id = None;
                    for (entry, matched) in known.iter().zip(matched.iter_mut()) {
                        if entry.page == report.page_id
                            && entry.kind == difference.kind
                            && entry.path == difference.path
                        {
                            *matched = true;
                            id.get_or_insert_with(|| entry.id.clone());
                        }
                    }
                    (difference, id)
                })
                .collect();
            PageFindings {
                differences,
                limitations: comparison.limitations,
            }
        });
    report
}

/// The repository root: xtask lives one level below it.
fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}
