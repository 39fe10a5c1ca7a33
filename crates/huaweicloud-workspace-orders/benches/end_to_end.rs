//! End to end on loopback: requests per second through [`OrdersClient`] against the
//! mock server, next to a raw `reqwest::Client` posting the same bytes with the same
//! headers to the same server with the same number of requests in flight: once with
//! OrdersClient's transport settings (a fresh connection per request), and once
//! keeping connections alive in a pool, which tells what the fresh connection per
//! order costs.
//!
//! The mock runs as its own process (`workspace-orders-mock --port 0`), so its CPU
//! time is told apart from the client side's. Rounds alternate between the sides so that
//! load from elsewhere on the machine falls on both; every response must be a 200
//! with an order id, so a rejected request cannot pass for a fast one. Each round
//! also records the CPU time this process (the HTTP client side) and the mock spent
//! per request, which tells where a difference comes from. Stops by itself after a
//! fixed number of requests.
//!
//! ```text
//! cargo build --release -p workspace-orders-mock
//! cargo bench -p huaweicloud-workspace-orders --bench end_to_end
//! ```
//!
//! Settings (environment): `WORKSPACE_ORDERS_MOCK_BIN` (default: the mock next to
//! this bench's target directory), `BENCH_E2E_AUTH` (`aksk`: signed with an access
//! key, the default; `token`: an IAM token), `BENCH_E2E_REQUESTS` per round (4000),
//! `BENCH_E2E_CONCURRENCY` (16), `BENCH_E2E_ROUNDS` per side (7),
//! `BENCH_E2E_DESKTOPS` per order (10), `BENCH_E2E_OUT` (write the results as JSON).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code: a failed set-up panics

mod common;
mod cpu_time;
mod mock_server;

use std::error::Error;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use huaweicloud_workspace_orders::{ClientContext, Credentials, OrdersClient, types};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::json;

use common::{PROJECT_ID, desktop_inputs, desktop_order};
use mock_server::MockServer;

/// Requests per side sent before measuring (connections, caches), not counted.
const WARMUP_REQUESTS: usize = 500;

/// Test credentials the mock is told to accept; never real ones.
const ACCESS_KEY: &str = "AKBENCHMARK0000000001";
const SECRET_KEY: &str = "benchmark-secret-key";
const TOKEN: &str = "benchmark-iam-token";

#[derive(Clone, Copy)]
enum Auth {
    AccessKey,
    Token,
}

impl Auth {
    fn credentials(self) -> Result<Credentials, Box<dyn Error>> {
        Ok(match self {
            Auth::AccessKey => Credentials::access_key(ACCESS_KEY, SECRET_KEY)?,
            Auth::Token => Credentials::iam_token(TOKEN)?,
        })
    }

    fn mock_args(self) -> Vec<&'static str> {
        match self {
            Auth::AccessKey => vec!["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY],
            Auth::Token => vec!["--token", TOKEN],
        }
    }

    fn description(self) -> &'static str {
        match self {
            Auth::AccessKey => "AK/SK, SDK-HMAC-SHA256 signed",
            Auth::Token => "IAM token (X-Auth-Token)",
        }
    }
}

struct Settings {
    auth: Auth,
    requests_per_round: usize,
    concurrency: usize,
    rounds: usize,
    desktops: usize,
}

impl Settings {
    fn from_env() -> Result<Self, Box<dyn Error>> {
        let auth = match std::env::var("BENCH_E2E_AUTH").as_deref() {
            Err(_) | Ok("aksk") => Auth::AccessKey,
            Ok("token") => Auth::Token,
            Ok(other) => {
                return Err(format!("BENCH_E2E_AUTH={other:?}: expected aksk or token").into());
            }
        };
        let desktops = env_count("BENCH_E2E_DESKTOPS", 10)?;
        if desktops > 100 {
            return Err(format!("BENCH_E2E_DESKTOPS={desktops}: an order has 1 to 100").into());
        }
        Ok(Self {
            auth,
            requests_per_round: env_count("BENCH_E2E_REQUESTS", 4000)?,
            concurrency: env_count("BENCH_E2E_CONCURRENCY", 16)?,
            rounds: env_count("BENCH_E2E_ROUNDS", 7)?,
            desktops,
        })
    }
}

fn env_count(name: &str, default: usize) -> Result<usize, Box<dyn Error>> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(text) => match text.parse::<usize>() {
            Ok(value) if value > 0 => Ok(value),
            _ => Err(format!("{name}={text:?}: expected a positive whole number").into()),
        },
    }
}

/// One round of one side.
struct Round {
    requests_per_second: f64,
    /// CPU µs per request spent by this process (the HTTP client side).
    client_cpu_us: Option<f64>,
    /// CPU µs per request spent by the mock server.
    server_cpu_us: Option<f64>,
}

/// Sends one request per input with `concurrency` in flight; each call must
/// succeed. The inputs are made beforehand and handed over, as a caller hands over
/// each order it builds, so the round times only the sending.
async fn drive<I, F, Fut>(
    inputs: Vec<I>,
    concurrency: usize,
    mock_pid: &str,
    call: Arc<F>,
) -> Result<Round, Box<dyn Error>>
where
    I: Send + 'static,
    F: Fn(I) -> Fut + Send + Sync + ?Sized + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let total = inputs.len();
    let mut queues: Vec<Vec<I>> = (0..concurrency)
        .map(|_| Vec::with_capacity(total.div_ceil(concurrency)))
        .collect();
    for (index, input) in inputs.into_iter().enumerate() {
        queues[index % concurrency].push(input);
    }
    let client_cpu = cpu_time::process_cpu_ns("self");
    let server_cpu = cpu_time::process_cpu_ns(mock_pid);
    let started = Instant::now();
    let workers: Vec<_> = queues
        .into_iter()
        .map(|queue| {
            let call = call.clone();
            tokio::spawn(async move {
                for input in queue {
                    call(input).await?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_request = |before: Option<u64>, after: Option<u64>| {
        Some(after?.checked_sub(before?)? as f64 / 1e3 / total as f64)
    };
    Ok(Round {
        requests_per_second: total as f64 / elapsed,
        client_cpu_us: per_request(client_cpu, cpu_time::process_cpu_ns("self")),
        server_cpu_us: per_request(server_cpu, cpu_time::process_cpu_ns(mock_pid)),
    })
}

/// The headers the client puts on this order's request, authenticated once: what the
/// raw side replays.
fn client_headers(auth: Auth, url: &Url, body: &[u8]) -> Result<HeaderMap, Box<dyn Error>> {
    let mut request = reqwest::Request::new(Method::POST, url.clone());
    request
        .headers_mut()
        .insert(ACCEPT, HeaderValue::from_static("application/json"));
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    *request.body_mut() = Some(body.to_vec().into());
    ClientContext::new(auth.credentials()?).prepare(
        &mut request,
        "create_periodic_order",
        std::time::SystemTime::now(),
    )?;
    Ok(request.headers().clone())
}

/// The settings OrdersClient uses by default; `pooled` keeps idle connections for
/// reuse instead of opening one per request.
fn http_client(pooled: bool) -> reqwest::Result<reqwest::Client> {
    let builder = huaweicloud_workspace_orders::client::http_client_builder()
        .unwrap()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .no_proxy();
    if pooled {
        builder.build()
    } else {
        builder.pool_max_idle_per_host(0).build()
    }
}

fn rounds_json(rounds: &[Round]) -> serde_json::Value {
    json!({
        "rps": rounds.iter().map(|r| r.requests_per_second).collect::<Vec<_>>(),
        "client_cpu_us": rounds.iter().map(|r| r.client_cpu_us).collect::<Vec<_>>(),
        "server_cpu_us": rounds.iter().map(|r| r.server_cpu_us).collect::<Vec<_>>(),
    })
}

async fn run(settings: &Settings) -> Result<serde_json::Value, Box<dyn Error>> {
    let mock = MockServer::start(&settings.auth.mock_args())?;
    let mock_pid = mock.pid().to_string();
    let order = desktop_order(&desktop_inputs(settings.desktops))?;
    let body = serde_json::to_vec(&order)?;
    let url: Url = format!(
        "{}/v2/{PROJECT_ID}/periodic/subscribe/order",
        mock.base_url()
    )
    .parse()?;

    let client = Arc::new(
        OrdersClient::builder(settings.auth.credentials()?.with_project_id(PROJECT_ID)?)
            .base_url(mock.base_url())
            .build()?,
    );
    let client_call = Arc::new(move |order: types::PeriodicOrderRequest| {
        let client = client.clone();
        async move {
            let placed = client
                .create_periodic_order(order)
                .await
                .map_err(|error| format!("OrdersClient: {error}"))?;
            placed
                .order_id
                .as_ref()
                .map(|_| ())
                .ok_or_else(|| "OrdersClient: the answer has no order_id".to_owned())
        }
    });

    let headers = client_headers(settings.auth, &url, &body)?;
    let body_bytes = body.len();
    let raw_call = raw_poster(http_client(false)?, url.clone(), headers.clone());
    let pooled_call = raw_poster(http_client(true)?, url, headers);

    let concurrency = settings.concurrency;
    // Each side gets its own copies of the same order: typed, or as bytes.
    let client_round = |total| {
        drive(
            vec![order.clone(); total],
            concurrency,
            &mock_pid,
            client_call.clone(),
        )
    };
    let raw_round = |total, call: &Arc<RawCall>| {
        drive(
            vec![body.clone(); total],
            concurrency,
            &mock_pid,
            call.clone(),
        )
    };

    client_round(WARMUP_REQUESTS).await?;
    raw_round(WARMUP_REQUESTS, &raw_call).await?;
    raw_round(WARMUP_REQUESTS, &pooled_call).await?;
    let mut client_rounds = Vec::with_capacity(settings.rounds);
    let mut raw_rounds = Vec::with_capacity(settings.rounds);
    let mut pooled_rounds = Vec::with_capacity(settings.rounds);
    for round in 0..settings.rounds {
        // Rotate which side goes first so none always follows another.
        for side in 0..3 {
            match (round + side) % 3 {
                0 => client_rounds.push(client_round(settings.requests_per_round).await?),
                1 => raw_rounds.push(raw_round(settings.requests_per_round, &raw_call).await?),
                _ => {
                    pooled_rounds.push(raw_round(settings.requests_per_round, &pooled_call).await?)
                }
            }
        }
        let (ours, theirs, pooled) = (
            &client_rounds[round],
            &raw_rounds[round],
            &pooled_rounds[round],
        );
        eprintln!(
            "round {}: OrdersClient {:.0} req/s, raw reqwest {:.0} req/s, raw reqwest pooled {:.0} req/s; \
             client-side CPU per request {} vs {} vs {}",
            round + 1,
            ours.requests_per_second,
            theirs.requests_per_second,
            pooled.requests_per_second,
            micros(ours.client_cpu_us),
            micros(theirs.client_cpu_us),
            micros(pooled.client_cpu_us),
        );
    }
    Ok(json!({
        "auth": settings.auth.description(),
        "requests_per_round": settings.requests_per_round,
        "concurrency": settings.concurrency,
        "rounds": settings.rounds,
        "desktops": settings.desktops,
        "body_bytes": body_bytes,
        "client": rounds_json(&client_rounds),
        "raw": rounds_json(&raw_rounds),
        "raw_pooled": rounds_json(&pooled_rounds),
    }))
}

/// A raw request: the order's bytes.
type RawCall = dyn Fn(Vec<u8>) -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>>
    + Send
    + Sync;

/// Posts the body with `headers` through `http`; the answer must be a 200 naming an
/// order, as on the client side.
fn raw_poster(http: reqwest::Client, url: Url, headers: HeaderMap) -> Arc<RawCall> {
    Arc::new(move |body: Vec<u8>| {
        let request = http.post(url.clone()).headers(headers.clone()).body(body);
        Box::pin(async move {
            let response = request
                .send()
                .await
                .map_err(|error| format!("raw: {error}"))?;
            let status = response.status();
            let answer = response
                .bytes()
                .await
                .map_err(|error| format!("raw: {error}"))?;
            if status != StatusCode::OK {
                return Err(format!(
                    "raw: status {status}: {}",
                    String::from_utf8_lossy(&answer)
                ));
            }
            let answer: serde_json::Value = serde_json::from_slice(&answer)
                .map_err(|error| format!("raw: the answer is not JSON: {error}"))?;
            match answer.get("order_id") {
                Some(serde_json::Value::String(_)) => Ok(()),
                _ => Err(format!("raw: the answer has no order_id: {answer}")),
            }
        })
    })
}

fn micros(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |us| format!("{us:.1} µs"))
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 0 => Some((values[middle - 1] + values[middle]) / 2.0),
        _ => Some(values[middle]),
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing, and this
    // measurement (a mock server process, tens of thousands of requests) is not a test.
    if !std::env::args().any(|arg| arg == "--bench") {
        eprintln!("end_to_end: measures only under `cargo bench`");
        return ExitCode::SUCCESS;
    }
    let outcome = Settings::from_env().and_then(|settings| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(run(&settings))
    });
    let results = match outcome {
        Ok(results) => results,
        Err(error) => {
            eprintln!("end_to_end: {error}");
            return ExitCode::FAILURE;
        }
    };
    let rps = |side: &str| -> Option<f64> {
        let values = results[side]["rps"].as_array()?;
        median(
            values
                .iter()
                .filter_map(serde_json::Value::as_f64)
                .collect(),
        )
    };
    if let (Some(client), Some(raw)) = (rps("client"), rps("raw")) {
        println!(
            "end_to_end ({}): OrdersClient {client:.0} req/s, raw reqwest {raw:.0} req/s (medians), ratio {:.2}",
            results["auth"].as_str().unwrap_or("?"),
            client / raw
        );
    }
    if let (Some(client), Some(raw), Some(pooled)) = (rps("client"), rps("raw"), rps("raw_pooled"))
    {
        println!(
            "end_to_end: a fresh connection per request vs a pool: raw reqwest {raw:.0} vs \
             {pooled:.0} req/s (ratio {:.2}); OrdersClient vs pooled raw reqwest: ratio {:.2}",
            raw / pooled,
            client / pooled
        );
    }
    if let Ok(path) = std::env::var("BENCH_E2E_OUT")
        && let Err(error) = std::fs::write(&path, results.to_string())
    {
        eprintln!("end_to_end: writing {path}: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
