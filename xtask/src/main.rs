//! The workspace's task runner: `cargo xtask <command>`.
//!
//! - `generate [--check]`: spec → `generated.rs` and the JSON rendering.
//! - `doc-check PAGE...`: hold doc pages against the spec.
//! - `docs`: the rendered HTML API reference.
//! - `mock [ARGS]`: run the local mock server.

mod constraints;
mod doc_check;
mod docs;
mod generate;
mod pattern_checks;
mod schema_derive_feature;
mod spec;
mod string_schemas;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Tasks of the workspace-orders repository"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client code and the JSON spec from the OpenAPI document.
    Generate {
        /// Write nothing; fail with a diff if any generated file is stale.
        #[arg(long)]
        check: bool,
        /// Workspace root (default: this repository).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Hold plain-text doc pages against the spec, field by field.
    DocCheck(doc_check::Args),
    /// Build the self-contained HTML API reference.
    Docs(docs::Args),
    /// Run the local mock server (arguments, `--help` included, are passed through).
    #[command(disable_help_flag = true)]
    Mock {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The repository root: xtask lives one level below it.
fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate { check, root } => {
            let layout = generate::Layout::standard(&root.unwrap_or_else(repo_root));
            generate::run(&layout, check).map(|()| ExitCode::SUCCESS)
        }
        Command::DocCheck(args) => doc_check::run(&args),
        Command::Docs(args) => docs::run(&args),
        Command::Mock { args } => run_mock(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_mock(args: &[String]) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(repo_root())
        .args(["run", "--quiet", "--package", "workspace-orders-mock", "--"])
        .args(args)
        .status()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
