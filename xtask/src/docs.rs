//! `cargo xtask docs` (stub until its owner replaces it).

/// Command-line arguments of `cargo xtask docs`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Builds the HTML API reference.
pub fn run(_args: &Args) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("docs is not implemented yet")
}
