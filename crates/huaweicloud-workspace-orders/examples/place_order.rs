//! Places one order from a JSON request body.
//!
//! ```sh
//! # AK/SK from HUAWEICLOUD_SDK_AK / _SK (/ _SECURITY_TOKEN), project from
//! # HUAWEICLOUD_SDK_PROJECT_ID or --project-id:
//! cargo run -p huaweicloud-workspace-orders --example place_order -- \
//!     --region cn-north-4 --operation periodic --body order.json
//! # An IAM token read from a file (never from the command line, where other users
//! # and the shell history would see it), against a local mock server:
//! cargo run -p huaweicloud-workspace-orders --example place_order -- \
//!     --base-url http://127.0.0.1:8080 --token-file token.txt \
//!     --project-id 0123456789abcdef0123456789abcdef --operation desktop --body order.json
//! ```
//!
//! The README's Quick start runs the second form against `cargo xtask mock` with the
//! token and body in `examples/quick-start/`.
//!
//! Exit status: 0 placed, 1 not placed (safe to fix and send again), 2 outcome unknown
//! (check for the order before sending again), 3 bad arguments.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use huaweicloud_workspace_orders::error::{ApiErrorBody, Error, Outcome};
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    /// createAppOrder (v1, cloud applications)
    App,
    /// createPeriodicOrder (v2, yearly/monthly)
    Periodic,
    /// createDesktopOrder (v2, hourly packages)
    Desktop,
}

/// Places one Huawei Cloud Workspace order.
#[derive(Debug, Parser)]
struct Args {
    /// Which order operation to call.
    #[arg(long, value_enum)]
    operation: Kind,
    /// The JSON request body (`-` for standard input).
    #[arg(long)]
    body: PathBuf,
    /// Region whose official endpoints are used.
    #[arg(
        long,
        conflicts_with = "base_url",
        required_unless_present = "base_url"
    )]
    region: Option<String>,
    /// Accept a region missing from the built-in catalogue.
    #[arg(long, requires = "region")]
    allow_unknown_region: bool,
    /// Send every operation to this base URL instead (a proxy, the mock server).
    #[arg(long)]
    base_url: Option<String>,
    /// Read an IAM token from this file instead of using HUAWEICLOUD_SDK_AK/SK.
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Project id (default: HUAWEICLOUD_SDK_PROJECT_ID).
    #[arg(long)]
    project_id: Option<String>,
    /// Seconds allowed for the whole call.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
}

fn read(path: &Path) -> Result<String, String> {
    if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("standard input: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn credentials(args: &Args) -> Result<Credentials, String> {
    let credentials = match &args.token_file {
        Some(path) => {
            let token = read(path)?;
            let credentials = Credentials::iam_token(token.trim())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            match std::env::var("HUAWEICLOUD_SDK_PROJECT_ID") {
                Ok(project) => credentials
                    .with_project_id(project)
                    .map_err(|e| format!("HUAWEICLOUD_SDK_PROJECT_ID: {e}"))?,
                Err(_) => credentials,
            }
        }
        None => Credentials::from_env().map_err(|e| e.to_string())?,
    };
    match &args.project_id {
        Some(project) => credentials
            .with_project_id(project.clone())
            .map_err(|e| format!("--project-id: {e}")),
        None => Ok(credentials),
    }
}

fn client(args: &Args) -> Result<OrdersClient, String> {
    let mut builder =
        OrdersClient::builder(credentials(args)?).timeout(Duration::from_secs(args.timeout));
    builder = match (&args.base_url, &args.region) {
        (Some(url), _) => builder.base_url(url),
        (None, Some(region)) if args.allow_unknown_region => {
            builder.region_allowing_unknown(region)
        }
        (None, Some(region)) => builder.region(region),
        (None, None) => return Err("give --region or --base-url".into()),
    };
    builder.build().map_err(|e| e.to_string())
}

/// Prints the outcome and turns it into the exit status.
fn report<E: ApiErrorBody + std::fmt::Debug>(
    result: Result<(Option<String>, Option<String>), Error<E>>,
) -> ExitCode {
    match result {
        Ok((order_id, request_id)) => {
            println!(
                "order placed: {} (X-Request-Id {})",
                order_id
                    .as_deref()
                    .unwrap_or("(no order_id in the response)"),
                request_id.as_deref().unwrap_or("none")
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            match error.outcome() {
                Outcome::NotSent | Outcome::Rejected => {
                    eprintln!("no order was placed");
                    ExitCode::from(1)
                }
                Outcome::Unknown => {
                    eprintln!(
                        "the order may have been placed: check Billing Center > Orders before \
                         sending it again"
                    );
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{}: {e}", path.display()))
}

async fn run(args: Args) -> Result<ExitCode, String> {
    let client = client(&args)?;
    let text = read(&args.body)?;
    let request_id = |headers: &reqwest::header::HeaderMap| {
        huaweicloud_workspace_orders::error::request_id(headers)
    };
    Ok(match args.operation {
        Kind::App => {
            let body: types::AppOrderRequest = parse(&text, &args.body)?;
            report(
                client
                    .create_app_order(body)
                    .await
                    .map(|placed| (placed.order_id.clone(), request_id(placed.headers()))),
            )
        }
        Kind::Periodic => {
            let body: types::PeriodicOrderRequest = parse(&text, &args.body)?;
            report(
                client
                    .create_periodic_order(body)
                    .await
                    .map(|placed| (placed.order_id.clone(), request_id(placed.headers()))),
            )
        }
        Kind::Desktop => {
            let body: types::DesktopOrderRequest = parse(&text, &args.body)?;
            report(
                client
                    .create_desktop_order(body)
                    .await
                    .map(|placed| (placed.order_id.clone(), request_id(placed.headers()))),
            )
        }
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(3)
        }
    }
}
