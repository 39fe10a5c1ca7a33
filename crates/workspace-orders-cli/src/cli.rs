//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use huaweicloud_workspace_orders::operation::Operation;

use crate::exit;
use crate::output::Format;

/// Validate, dry-run and place Huawei Cloud Workspace orders.
///
/// Orders cost money: `place` sends each order exactly once and never retries; its
/// exit status says whether the order was placed, was not, or may have been.
#[derive(Debug, Parser)]
#[command(name = "workspace-orders", version, after_help = exit::TABLE)]
pub struct Cli {
    /// Output format: text for people, json for scripts (one document on stdout).
    #[arg(long, value_enum, global = true, default_value = "text")]
    pub output: Format,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check request bodies offline, as the client does before sending, reporting
    /// every problem with file:line:column and its JSON path.
    Validate {
        /// The operation of the bodies (default: guessed from each body).
        #[arg(long, value_enum)]
        operation: Option<OperationArg>,
        /// JSON request bodies (`-` for standard input).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Place one order: validate the body, sign the request and send it once.
    #[command(after_help = exit::TABLE)]
    Place(PlaceArgs),
    /// Print the spec's example request bodies (valid: the ones openapi/ERRATA.md
    /// corrects are printed corrected).
    Example {
        /// The operation whose examples to show (default: all).
        #[arg(long, value_enum)]
        operation: Option<OperationArg>,
        /// List the examples instead of printing one.
        #[arg(long, conflicts_with = "name")]
        list: bool,
        /// The example to print (see --list).
        name: Option<String>,
    },
    /// The known regions and the host each operation is sent to there.
    Regions,
    /// Print a shell completion script, e.g. `workspace-orders completions bash >
    /// ~/.local/share/bash-completion/completions/workspace-orders`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Where and as whom `place` sends.
#[derive(Debug, Args)]
pub struct PlaceArgs {
    /// Which order operation to call.
    #[arg(long, value_enum)]
    pub operation: OperationArg,
    /// The JSON request body (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Region whose official endpoints are used (see `workspace-orders regions`).
    #[arg(
        long,
        conflicts_with = "base_url",
        required_unless_present = "base_url"
    )]
    pub region: Option<String>,
    /// Accept a region missing from the built-in catalogue.
    #[arg(long, requires = "region")]
    pub allow_unknown_region: bool,
    /// Send to this base URL instead (the mock server, a proxy).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Authenticate with the IAM token in this file instead of the AK/SK in
    /// HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Project id (default: HUAWEICLOUD_SDK_PROJECT_ID).
    #[arg(long)]
    pub project_id: Option<String>,
    /// Seconds allowed for the whole call.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub timeout: u64,
    /// Print the exact signed HTTP request (secrets redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// An operation as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OperationArg {
    /// createAppOrder (v1): cloud applications, yearly/monthly
    App,
    /// createPeriodicOrder (v2): desktops, disks, pools… yearly/monthly
    Periodic,
    /// createDesktopOrder (v2): desktops with hourly packages
    Desktop,
}

impl From<OperationArg> for Operation {
    fn from(operation: OperationArg) -> Self {
        match operation {
            OperationArg::App => Operation::CreateAppOrder,
            OperationArg::Periodic => Operation::CreatePeriodicOrder,
            OperationArg::Desktop => Operation::CreateDesktopOrder,
        }
    }
}
