//! Rendering the outcome of a doc check: a readable report grouped by page
//! and table, or JSON for tools.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::difference::Difference;
use super::errata::KnownDifference;

/// The outcome of checking one page.
pub struct PageReport {
    pub file: PathBuf,
    pub page_id: String,
    /// `POST /v1/… (createAppOrder)`, once the page's URI was read.
    pub operation: Option<String>,
    pub outcome: Result<PageFindings, String>,
}

pub struct PageFindings {
    /// Each difference with the id of the ERRATA entry that explains it.
    pub differences: Vec<(Difference, Option<String>)>,
    pub limitations: Vec<String>,
}

/// The outcome of a whole run.
pub struct RunReport {
    pub pages: Vec<PageReport>,
    /// ERRATA lines about a checked page that matched no difference.
    pub stale: Vec<KnownDifference>,
    pub strict: bool,
}

impl RunReport {
    pub fn unexplained(&self) -> usize {
        self.findings()
            .flat_map(|f| &f.differences)
            .filter(|(_, known)| known.is_none())
            .count()
    }

    pub fn known(&self) -> usize {
        self.findings()
            .flat_map(|f| &f.differences)
            .filter(|(_, known)| known.is_some())
            .count()
    }

    pub fn unparsed(&self) -> usize {
        self.pages.iter().filter(|p| p.outcome.is_err()).count()
    }

    fn findings(&self) -> impl Iterator<Item = &PageFindings> {
        self.pages.iter().filter_map(|p| p.outcome.as_ref().ok())
    }

    pub fn passed(&self) -> bool {
        let stale_fails = self.strict && !self.stale.is_empty();
        self.unexplained() == 0 && self.unparsed() == 0 && !stale_fails
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            let _ = writeln!(
                out,
                "page {} ({}){}",
                page.page_id,
                page.file.display(),
                page.operation
                    .as_ref()
                    .map(|op| format!(": {op}"))
                    .unwrap_or_default()
            );
            match &page.outcome {
                Err(why) => {
                    let _ = writeln!(out, "  CANNOT PARSE: {why}");
                }
                Ok(findings) => write_findings(&mut out, findings),
            }
            out.push('\n');
        }
        if !self.stale.is_empty() {
            let level = if self.strict { "error" } else { "warning" };
            let _ = writeln!(out, "stale ERRATA lines (they match no difference):");
            for entry in &self.stale {
                let _ = writeln!(
                    out,
                    "  {level}: {} (ERRATA line {}): doc-check: `{entry}`",
                    entry.id, entry.line
                );
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}: {} unexplained, {} known (ERRATA), {} stale ERRATA line(s), {} page(s) not parsed",
            if self.passed() { "ok" } else { "FAILED" },
            self.unexplained(),
            self.known(),
            self.stale.len(),
            self.unparsed()
        );
        out
    }

    pub fn json(&self) -> Value {
        let pages: Vec<Value> = self
            .pages
            .iter()
            .map(|page| {
                let mut value = json!({
                    "file": page.file.display().to_string(),
                    "page": page.page_id,
                    "operation": page.operation,
                });
                match &page.outcome {
                    Err(why) => value["error"] = json!(why),
                    Ok(findings) => {
                        value["error"] = Value::Null;
                        value["limitations"] = json!(findings.limitations);
                        value["differences"] = findings
                            .differences
                            .iter()
                            .map(|(d, known)| {
                                json!({
                                    "kind": d.kind.as_str(),
                                    "path": d.path,
                                    "table": d.table,
                                    "detail": d.detail,
                                    "known": known,
                                })
                            })
                            .collect();
                    }
                }
                value
            })
            .collect();
        let stale: Vec<Value> = self
            .stale
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "line": e.line,
                    "page": e.page,
                    "kind": e.kind.as_str(),
                    "path": e.path,
                })
            })
            .collect();
        json!({
            "ok": self.passed(),
            "unexplained": self.unexplained(),
            "known": self.known(),
            "unparsed": self.unparsed(),
            "pages": pages,
            "stale": stale,
        })
    }
}

fn write_findings(out: &mut String, findings: &PageFindings) {
    for limitation in &findings.limitations {
        let _ = writeln!(out, "  limitation: {limitation}");
    }
    if findings.differences.is_empty() {
        let _ = writeln!(out, "  no differences");
        return;
    }
    // Group by table in order of first appearance.
    let mut tables: Vec<&str> = Vec::new();
    for (difference, _) in &findings.differences {
        if !tables.contains(&difference.table.as_str()) {
            tables.push(&difference.table);
        }
    }
    for table in tables {
        let _ = writeln!(out, "  {table}");
        for (difference, known) in findings
            .differences
            .iter()
            .filter(|(d, _)| d.table == table)
        {
            let status = match known {
                Some(id) => format!("known {id}"),
                None => "UNEXPLAINED".to_string(),
            };
            let _ = writeln!(
                out,
                "    [{status}] {} {}: {}",
                difference.kind, difference.path, difference.detail
            );
        }
    }
}
