//! `workspace-orders`: validate, dry-run and place Huawei Cloud Workspace orders.

mod check;
mod cli;
mod example;
mod exit;
mod locate;
mod output;
mod place;
mod regions;
mod spec;
mod validate;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::exit::Exit;
use crate::output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap's own usage status is 2, which here means "may have been placed".
            return if error.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    let output = Output::new(cli.output);
    let exit = match cli.command {
        Command::Validate { operation, files } => run_async(
            output,
            validate::run(output, operation.map(Into::into), &files),
        ),
        Command::Place(args) => run_async(output, place::run(output, args)),
        Command::Example {
            operation,
            list,
            name,
        } => example::run(output, operation.map(Into::into), list, name.as_deref()),
        Command::Regions => regions::run(output),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "workspace-orders",
                &mut std::io::stdout(),
            );
            Exit::Success
        }
    };
    exit.into()
}

/// Runs `future` on a single-threaded runtime: one order, one connection.
fn run_async(output: Output, future: impl Future<Output = Exit>) -> Exit {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => {
            output.error(&format!("cannot start the async runtime: {error}"));
            Exit::Usage
        }
    }
}
