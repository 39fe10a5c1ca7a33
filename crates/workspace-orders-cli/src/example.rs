//! `workspace-orders example`: the spec's example request bodies, valid.

use huaweicloud_workspace_orders::operation::Operation;
use serde_json::{Value, json};

use crate::exit::Exit;
use crate::operations;
use crate::output::Output;
use crate::spec::{self, Example};

fn example_json(example: &Example) -> Value {
    json!({
        "operation": example.operation.operation_id(),
        "name": example.name,
        "summary": example.summary,
        "corrected": example.corrected.as_ref().map(|(id, what)| json!({"errata": id, "what": what})),
        "body": example.body,
    })
}

pub fn run(output: Output, operation: Option<Operation>, list: bool, name: Option<&str>) -> Exit {
    let operations = match operation {
        Some(operation) => vec![operation],
        None => Operation::ALL.to_vec(),
    };
    let examples: Vec<Example> = operations.into_iter().flat_map(spec::examples).collect();
    let Some(name) = name.filter(|_| !list) else {
        if output.json() {
            output.print_json(&Value::Array(examples.iter().map(example_json).collect()));
        } else {
            for example in &examples {
                let corrected = match example.corrected {
                    Some((id, _)) => format!(" [corrected as openapi/ERRATA.md {id} says]"),
                    None => String::new(),
                };
                println!(
                    "{:<9} {:<20} {}{corrected}",
                    operations::label(example.operation),
                    example.name,
                    example.summary
                );
            }
        }
        return Exit::Success;
    };
    let Some(example) = examples.iter().find(|e| e.name == name) else {
        output.error(&format!(
            "no example {name:?}; `workspace-orders example --list` shows them"
        ));
        return Exit::Usage;
    };
    if output.json() {
        output.print_json(&example_json(example));
    } else {
        if let Some((id, what)) = &example.corrected {
            // On stderr: stdout stays a body that can be piped to a file.
            eprintln!("note: the page's example, corrected as openapi/ERRATA.md {id} says: {what}");
        }
        output.print_json(&example.body);
    }
    Exit::Success
}
