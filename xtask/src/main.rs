//! The workspace's task runner: `cargo xtask <command>`.
//!
//! - `generate [--check]`: spec → `generated.rs` and the JSON rendering.
//! - `doc-check PAGE...`: hold doc pages against the spec; `--propose [--write]`
//!   prints (or applies) the spec edit for each unexplained difference.
//! - `docs`: the rendered HTML API reference.
//! - `mock [ARGS]`: run the local mock server.

mod constraints;
mod doc_check;
mod docs;
mod extensible_enums;
mod generate;
mod naming;
mod operations;
mod pattern_checks;
mod rules;
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
    /// Hold plain-text doc pages against the spec, field by field; with --propose, print
    /// (and with --write, apply) the spec edit for each unexplained difference.
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

/// Builds the mock with cargo's progress showing, then becomes it (`exec`), so that a
/// signal sent to this process (Ctrl-C, `kill <pid>`) reaches the server itself and
/// its port is freed; a child left behind would keep the port.
fn run_mock(args: &[String]) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Progress and diagnostics go to the terminal (stderr); stdout carries the JSON
    // messages that name the binary, wherever the target directory is.
    let build = std::process::Command::new(cargo)
        .current_dir(repo_root())
        .args([
            "build",
            "--package",
            "workspace-orders-mock",
            "--bin",
            "workspace-orders-mock",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !build.status.success() {
        return Ok(ExitCode::FAILURE);
    }
    let binary = String::from_utf8_lossy(&build.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == "workspace-orders-mock")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| anyhow::anyhow!("cargo build did not name the mock's executable"))?;
    exec(std::process::Command::new(&binary).args(args))
        .map_err(|error| anyhow::anyhow!("cannot start {}: {error}", binary.display()))
}

#[cfg(unix)]
fn exec(command: &mut std::process::Command) -> std::io::Result<ExitCode> {
    use std::os::unix::process::CommandExt as _;
    // Returns only when the exec failed.
    Err(command.exec())
}

#[cfg(not(unix))]
fn exec(command: &mut std::process::Command) -> std::io::Result<ExitCode> {
    // No exec: wait for the child (Ctrl-C reaches the whole console group there).
    let status = command.status()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
