//! `cargo xtask doc-check` (stub until its owner replaces it).

/// Command-line arguments of `cargo xtask doc-check`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the doc check.
pub fn run(_args: &Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("doc-check is not implemented yet")
}
