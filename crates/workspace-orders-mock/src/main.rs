//! `workspace-orders-mock`: serves the order operations on 127.0.0.1 until Ctrl-C.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use workspace_orders_mock::{
    AccessKey, DEFAULT_ACCESS_KEY, DEFAULT_KEPT_ORDERS, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, Fault,
    MockConfig, MockServer,
};

/// A local mock of the Huawei Cloud Workspace order APIs that validates every request
/// against openapi/workspace-orders.yaml.
///
/// Without --token or --access-key it accepts the token "mock-token" and the access key
/// "MOCKACCESSKEY" with secret key "mock-secret-key". These are test values: never
/// give the mock real credentials.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one; the chosen port is printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Accept this X-Auth-Token (repeatable).
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Accept AK/SK signatures by this access key.
    #[arg(long, requires = "secret_key")]
    access_key: Option<String>,
    /// The secret key of --access-key.
    #[arg(long, requires = "access_key")]
    secret_key: Option<String>,
    /// Make --access-key a temporary key that needs this X-Security-Token.
    #[arg(long, requires = "access_key")]
    security_token: Option<String>,
    /// Inject a fault into every request without an X-Mock-Fault header, e.g.
    /// "status=503", "delay=500ms", "malformed-json", "html", "drop-connection".
    #[arg(long, value_name = "DIRECTIVES")]
    fault: Option<Fault>,
    /// Refuse request bodies larger than this with 413.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// Largest accepted difference between X-Sdk-Date and the clock, in seconds.
    #[arg(long, default_value_t = 15 * 60)]
    max_clock_skew_secs: u64,
    /// Close a connection whose request head does not arrive within this time (also
    /// an idle kept-alive one), and answer 408 to a body not complete this long after
    /// its head: e.g. "30s" or "500ms".
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    request_timeout: Duration,
    /// How many accepted orders to keep in memory (the most recent); all are counted.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_KEPT_ORDERS)]
    keep_orders: usize,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let (number, unit) = if let Some(number) = text.strip_suffix("ms") {
        (number, Duration::from_millis(1))
    } else if let Some(number) = text.strip_suffix('s') {
        (number, Duration::from_secs(1))
    } else {
        return Err(format!("{text:?} needs a unit: 500ms or 30s"));
    };
    let digits = !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit());
    match number.parse::<u32>() {
        Ok(count) if digits && count > 0 => Ok(unit * count),
        _ => Err(format!(
            "{text:?} is not a positive whole number of ms or s"
        )),
    }
}

fn config(args: Args) -> MockConfig {
    let mut config = MockConfig {
        port: args.port,
        max_body_bytes: args.max_body_bytes,
        fault: args.fault.unwrap_or_default(),
        request_timeout: args.request_timeout,
        kept_orders: args.keep_orders,
        ..MockConfig::default()
    };
    config.auth.max_clock_skew = Duration::from_secs(args.max_clock_skew_secs);
    if !args.tokens.is_empty() || args.access_key.is_some() {
        config.auth.tokens = args.tokens;
        config.auth.access_keys = match (args.access_key, args.secret_key) {
            (Some(access_key), Some(secret_key)) => vec![AccessKey {
                access_key,
                secret_key,
                security_token: args.security_token,
            }],
            _ => Vec::new(),
        };
    } else {
        eprintln!(
            "accepting the test credentials: X-Auth-Token {DEFAULT_TOKEN:?}, or AK {DEFAULT_ACCESS_KEY:?} with SK {DEFAULT_SECRET_KEY:?}"
        );
    }
    if config.fault.is_active() {
        eprintln!(
            "fault active: {} for every request without an X-Mock-Fault header (send X-Mock-Fault: \"\" for a normal answer)",
            config.fault
        );
    }
    config
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mock = match MockServer::start(config(args)).await {
        Ok(mock) => mock,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", mock.base_url());
    // Scripts read the line above from a pipe: make sure it is not held in a buffer.
    let _ = std::io::stdout().flush();
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
    }
    eprintln!("shutting down");
    mock.shutdown().await;
    ExitCode::SUCCESS
}
