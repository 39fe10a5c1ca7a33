//! Reading the known differences out of `openapi/ERRATA.md`: each entry is
//! a `### E<NN> — title` heading, and its lines of the form
//! `` doc-check: `<page> <kind> <path>` `` (on their own or as a list item)
//! name the differences it explains.

use std::fmt;

use super::difference::Kind;

/// One `doc-check:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDifference {
    /// The entry id, `E01`.
    pub id: String,
    pub page: String,
    pub kind: Kind,
    pub path: String,
    /// 1-based line in the ERRATA file.
    pub line: usize,
}

impl fmt::Display for KnownDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.page, self.kind, self.path)
    }
}

/// Parses ERRATA text; an error names the line.
pub fn parse(text: &str) -> Result<Vec<KnownDifference>, String> {
    let mut entries = Vec::new();
    let mut current_id: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with('#') {
            current_id = trimmed.strip_prefix("### ").and_then(entry_id);
            continue;
        }
        let item = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .unwrap_or(trimmed);
        let Some(rest) = item.strip_prefix("doc-check:") else {
            continue;
        };
        let spec = rest
            .trim()
            .strip_prefix('`')
            .and_then(|r| r.strip_suffix('`'))
            .ok_or_else(|| {
                format!(
                    "line {line}: expected doc-check: `<page> <kind> <path>`, found {trimmed:?}"
                )
            })?;
        let id = current_id.clone().ok_or_else(|| {
            format!("line {line}: doc-check line is not under a `### E<NN> — title` heading")
        })?;
        entries.push(known_difference(spec, id, line)?);
    }
    Ok(entries)
}

/// `E07 — title` → `E07`.
fn entry_id(heading: &str) -> Option<String> {
    let id = heading.split_whitespace().next()?;
    let digits = id.strip_prefix('E')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| id.to_string())
}

fn known_difference(spec: &str, id: String, line: usize) -> Result<KnownDifference, String> {
    let parts: Vec<&str> = spec.split_whitespace().collect();
    let [page, kind, path] = parts.as_slice() else {
        return Err(format!(
            "line {line}: expected three words `<page> <kind> <path>`, found `{spec}`"
        ));
    };
    if page.len() != 3 || !page.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "line {line}: page `{page}` is not a 3-digit page prefix"
        ));
    }
    let kind = Kind::parse(kind).ok_or_else(|| {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "line {line}: unknown kind `{kind}` (one of {})",
            kinds.join(", ")
        )
    })?;
    check_path(kind, path).map_err(|why| format!("line {line}: path `{path}`: {why}"))?;
    Ok(KnownDifference {
        id,
        page: page.to_string(),
        kind,
        path: path.to_string(),
        line,
    })
}

/// A path has the form its kind reports.
fn check_path(kind: Kind, path: &str) -> Result<(), &'static str> {
    let is_status = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
    match kind {
        Kind::StatusMissing | Kind::StatusExtra => match path.strip_prefix("status.") {
            Some(code) if is_status(code) => Ok(()),
            _ => Err("expected status.<code>"),
        },
        Kind::ResponseFieldMissing | Kind::ResponseFieldExtra => {
            match path
                .strip_prefix("response.")
                .and_then(|r| r.split_once('.'))
            {
                Some((code, field)) if is_status(code) && !field.is_empty() => Ok(()),
                _ => Err("expected response.<code>.<field>"),
            }
        }
        Kind::ExampleMissing | Kind::ExampleInvalid => match path.strip_prefix("example.") {
            Some(n) if n.parse::<usize>().is_ok_and(|n| n >= 1) => Ok(()),
            _ => Err("expected example.<n>, n from 1"),
        },
        Kind::RuleSourceMissing => match path
            .strip_prefix("x-rules.")
            .and_then(|r| r.split_once('.'))
        {
            Some((schema, rule)) if !schema.is_empty() && !rule.is_empty() => Ok(()),
            _ => Err("expected x-rules.<Schema>.<rule-id>"),
        },
        Kind::RuleUnstated => match path.strip_prefix("table-").and_then(|r| r.split_once('.')) {
            Some((table, field)) if table.parse::<u32>().is_ok() && !field.is_empty() => Ok(()),
            _ => Err("expected table-<N>.<field>"),
        },
        Kind::MissingInSpec | Kind::ExtraInSpec | Kind::RequiredDiffers | Kind::TypeDiffers => {
            if path.starts_with("response.") {
                // Response field types are reported under their response path.
                return Ok(());
            }
            let fields_ok = path.split('.').all(|segment| {
                let name = segment.strip_suffix("[]").unwrap_or(segment);
                !name.is_empty() && !name.contains('[')
            });
            if fields_ok {
                Ok(())
            } else {
                Err("expected a dotted field path such as resources[].period_type")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_ignores_prose_mentions() {
        let text = "Lines of the form `` doc-check: `<page> <kind> <path>` `` are read.\n\
                    ## Group\n\
                    ### E01 — a title\n\
                    - Page: 000.\n\
                    - doc-check: `000 example-invalid example.1`\n\
                    doc-check: `001 status-extra status.404`\n\
                    ### E02 - another\n\
                    * doc-check: `004 required-differs hour_package_resources[].period_type`\n";
        let entries = parse(text).unwrap();
        let summary: Vec<(String, String, usize)> = entries
            .iter()
            .map(|e| (e.id.clone(), e.to_string(), e.line))
            .collect();
        assert_eq!(
            summary,
            [
                ("E01".into(), "000 example-invalid example.1".into(), 5),
                ("E01".into(), "001 status-extra status.404".into(), 6),
                (
                    "E02".into(),
                    "004 required-differs hour_package_resources[].period_type".into(),
                    8
                ),
            ]
        );
    }

    #[test]
    fn rejects_malformed_lines_naming_the_line() {
        for (text, expected) in [
            (
                "### E01 — t\n- doc-check: `000 wrong-kind x`\n",
                "line 2: unknown kind",
            ),
            (
                "### E01 — t\n- doc-check: `00 status-extra status.404`\n",
                "line 2: page",
            ),
            (
                "### E01 — t\n- doc-check: `000 status-extra 404`\n",
                "line 2: path",
            ),
            (
                "### E01 — t\n- doc-check: 000 status-extra status.404\n",
                "line 2: expected",
            ),
            (
                "## Not an entry\n- doc-check: `000 status-extra status.404`\n",
                "line 2: doc-check line is not under",
            ),
            (
                "### E01 — t\n- doc-check: `000 example-missing example.0`\n",
                "line 2: path",
            ),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.starts_with(expected), "{err}");
        }
    }
}
