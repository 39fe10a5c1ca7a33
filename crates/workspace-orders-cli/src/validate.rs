//! `workspace-orders validate`: every problem of every file, located.

use std::path::{Path, PathBuf};

use huaweicloud_workspace_orders::operation::Operation;
use serde_json::{Value, json};

use crate::check::{self, Checked, Problem};
use crate::exit::Exit;
use crate::output::{Colour, Output};

/// Reads a body file (`-`: standard input).
pub fn read_body(path: &Path) -> Result<String, String> {
    if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("standard input: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// `file:line:column: path: message`.
pub fn problem_line(file: &Path, problem: &Problem) -> String {
    format!(
        "{}:{}:{}: {}: {}",
        file.display(),
        problem.position.line,
        problem.position.column,
        problem.path,
        problem.message
    )
}

pub fn problem_json(problem: &Problem) -> Value {
    json!({
        "line": problem.position.line,
        "column": problem.position.column,
        "path": problem.path,
        "pointer": problem.pointer,
        "message": problem.message,
    })
}

fn operation_json(checked: &Checked) -> Value {
    checked
        .operation
        .map_or(Value::Null, |o| json!(o.operation_id()))
}

pub async fn run(output: Output, operation: Option<Operation>, files: &[PathBuf]) -> Exit {
    let mut reports = Vec::new();
    let mut any_invalid = false;
    let mut any_unreadable = false;
    for file in files {
        let checked = match read_body(file) {
            Ok(text) => check::check(&text, operation).await,
            Err(message) => Err(message),
        };
        let checked = match checked {
            Ok(checked) => checked,
            Err(message) => {
                any_unreadable = true;
                if output.json() {
                    reports.push(json!({"file": file, "valid": false, "error": message}));
                } else {
                    output.error(&message);
                }
                continue;
            }
        };
        let valid = checked.problems.is_empty();
        any_invalid |= !valid;
        if output.json() {
            reports.push(json!({
                "file": file,
                "operation": operation_json(&checked),
                "operation_guessed": checked.guessed,
                "valid": valid,
                "problems": checked.problems.iter().map(problem_json).collect::<Vec<_>>(),
            }));
            continue;
        }
        for problem in &checked.problems {
            println!("{}", problem_line(file, problem));
        }
        let operation = checked
            .operation
            .map_or("unknown operation", |o| o.operation_id());
        let guessed = if checked.guessed {
            ", guessed from the body"
        } else {
            ""
        };
        if valid {
            println!(
                "{}: {} ({operation}{guessed})",
                file.display(),
                output.out_colour(Colour::Green, "valid")
            );
        } else {
            let count = checked.problems.len();
            println!(
                "{}: {} ({operation}{guessed})",
                file.display(),
                output.out_colour(
                    Colour::Red,
                    &format!("{count} problem{}", if count == 1 { "" } else { "s" })
                )
            );
        }
    }
    let exit = if any_unreadable {
        Exit::Usage
    } else if any_invalid {
        Exit::NotPlaced
    } else {
        Exit::Success
    };
    if output.json() {
        output.print_json(&json!({"valid": exit == Exit::Success, "files": reports}));
    }
    exit
}
