//! `workspace-orders place`: validate, sign, send once (or print, with `--dry-run`),
//! and say whether the order was placed.

use std::fmt::Debug;
use std::time::Duration;

use huaweicloud_workspace_orders::credentials::ENV_PROJECT_ID;
use huaweicloud_workspace_orders::error::{ApiErrorBody, Error, Outcome, request_id};
use huaweicloud_workspace_orders::operation::Operation;
use huaweicloud_workspace_orders::prepared::PreparedRequest;
use huaweicloud_workspace_orders::{Credentials, OrdersClient};
use serde_json::{Value, json};

use crate::check::{self, TypedBody};
use crate::cli::PlaceArgs;
use crate::exit::Exit;
use crate::output::{Colour, Output};
use crate::validate::{problem_json, problem_line, read_body};

/// A refused command line or environment: nothing was sent.
struct Usage(String);

fn credentials(args: &PlaceArgs) -> Result<Credentials, Usage> {
    let credentials = match &args.token_file {
        Some(path) => {
            let token = read_body(path).map_err(Usage)?;
            let credentials = Credentials::iam_token(token.trim())
                .map_err(|e| Usage(format!("{}: {e}", path.display())))?;
            // A token has no project of its own: the SDKs' project variable applies.
            match std::env::var(ENV_PROJECT_ID) {
                Ok(project) if args.project_id.is_none() => credentials
                    .with_project_id(project)
                    .map_err(|e| Usage(format!("{ENV_PROJECT_ID}: {e}")))?,
                _ => credentials,
            }
        }
        None => Credentials::from_env()
            .map_err(|e| Usage(format!("{e} (or give --token-file with an IAM token)")))?,
    };
    match &args.project_id {
        Some(project) => credentials
            .with_project_id(project.clone())
            .map_err(|e| Usage(format!("--project-id: {e}"))),
        None => Ok(credentials),
    }
}

fn client(args: &PlaceArgs) -> Result<OrdersClient, Usage> {
    let credentials = credentials(args)?;
    if credentials.project_id().is_none() {
        return Err(Usage(format!(
            "no project id: give --project-id or set {ENV_PROJECT_ID}"
        )));
    }
    let builder = OrdersClient::builder(credentials).timeout(Duration::from_secs(args.timeout));
    let builder = match (&args.base_url, &args.region) {
        (Some(url), _) => builder.base_url(url),
        (None, Some(region)) if args.allow_unknown_region => {
            builder.region_allowing_unknown(region)
        }
        (None, Some(region)) => builder.region(region),
        (None, None) => return Err(Usage("give --region or --base-url".to_owned())),
    };
    builder.build().map_err(|e| Usage(e.to_string()))
}

/// What a failed call tells, whatever its operation's error body type.
struct Failure {
    outcome: Outcome,
    message: String,
    status: Option<u16>,
    request_id: Option<String>,
    error_code: Option<String>,
}

impl<E: ApiErrorBody + Debug> From<Error<E>> for Failure {
    fn from(error: Error<E>) -> Self {
        let error_code = match &error {
            Error::Api { body, .. } => body.error_code().map(str::to_owned),
            _ => None,
        };
        Failure {
            outcome: error.outcome(),
            message: error.to_string(),
            status: error.status().map(|s| s.as_u16()),
            request_id: error.request_id().map(str::to_owned),
            error_code,
        }
    }
}

/// The order id and `X-Request-Id` of a placed order.
struct Placed {
    order_id: Option<String>,
    request_id: Option<String>,
}

async fn send(client: &OrdersClient, body: TypedBody) -> Result<Placed, Failure> {
    macro_rules! placed {
        ($call:expr) => {
            match $call.await {
                Ok(placed) => Ok(Placed {
                    request_id: request_id(placed.headers()),
                    order_id: placed.into_inner().order_id,
                }),
                Err(error) => Err(Failure::from(error)),
            }
        };
    }
    match body {
        TypedBody::App(body) => placed!(client.create_app_order(body)),
        TypedBody::Periodic(body) => placed!(client.create_periodic_order(body)),
        TypedBody::Desktop(body) => placed!(client.create_desktop_order(body)),
    }
}

async fn prepare(client: &OrdersClient, body: TypedBody) -> Result<PreparedRequest, Failure> {
    match body {
        TypedBody::App(body) => client.prepare_app_order(body).await.map_err(Failure::from),
        TypedBody::Periodic(body) => client
            .prepare_periodic_order(body)
            .await
            .map_err(Failure::from),
        TypedBody::Desktop(body) => client
            .prepare_desktop_order(body)
            .await
            .map_err(Failure::from),
    }
}

pub async fn run(output: Output, args: PlaceArgs) -> Exit {
    let operation = Operation::from(args.operation);
    match place(output, operation, &args).await {
        Ok(exit) => exit,
        Err(Usage(message)) => {
            if output.json() {
                output.print_json(&json!({"outcome": "not_sent", "usage_error": message}));
            } else {
                output.error(&message);
                eprintln!("nothing was sent");
            }
            Exit::Usage
        }
    }
}

async fn place(output: Output, operation: Operation, args: &PlaceArgs) -> Result<Exit, Usage> {
    let text = read_body(&args.file).map_err(Usage)?;
    let checked = check::check(&text, Some(operation)).await.map_err(Usage)?;
    let body = match checked.body {
        Some(body) if checked.problems.is_empty() => body,
        _ => {
            if output.json() {
                output.print_json(&json!({
                    "outcome": "not_placed",
                    "operation": operation.operation_id(),
                    "problems": checked.problems.iter().map(problem_json).collect::<Vec<_>>(),
                }));
            } else {
                for problem in &checked.problems {
                    eprintln!("{}", problem_line(&args.file, problem));
                }
                output.error("the body is refused before sending");
                eprintln!("no order was placed");
            }
            return Ok(Exit::NotPlaced);
        }
    };
    let client = client(args)?;
    // Where the region has no endpoint for the operation, sending refuses it below
    // (nothing is sent) with the reason; the progress line just says so.
    let url = match client.endpoints().base_url(operation) {
        Ok(url) => url.to_string(),
        Err(_) => "(no endpoint in this region)".to_owned(),
    };

    if args.dry_run {
        return Ok(match prepare(&client, body).await {
            Ok(request) => {
                print_dry_run(output, operation, &request);
                Exit::Success
            }
            Err(failure) => report_failure(output, operation, &failure),
        });
    }

    output.progress(&format!("placing {} at {url} …", operation.operation_id()));
    Ok(match send(&client, body).await {
        Ok(placed) => {
            let order_id = placed.order_id.as_deref();
            let request_id = placed.request_id.as_deref();
            if output.json() {
                output.print_json(&json!({
                    "outcome": "placed",
                    "operation": operation.operation_id(),
                    "order_id": order_id,
                    "request_id": request_id,
                }));
            } else {
                println!(
                    "{} {} (X-Request-Id {})",
                    output.out_colour(Colour::Green, "order placed:"),
                    order_id.unwrap_or("(no order_id in the response)"),
                    request_id.unwrap_or("none")
                );
            }
            Exit::Success
        }
        Err(failure) => report_failure(output, operation, &failure),
    })
}

fn report_failure(output: Output, operation: Operation, failure: &Failure) -> Exit {
    let (exit, outcome, advice) = match failure.outcome {
        Outcome::Unknown => (
            Exit::MayHaveBeenPlaced,
            "may_have_been_placed",
            "the order may have been placed: look for it (Billing Center > Orders > My \
             Orders) before sending it again",
        ),
        Outcome::NotSent | Outcome::Rejected => {
            (Exit::NotPlaced, "not_placed", "no order was placed")
        }
    };
    if output.json() {
        output.print_json(&json!({
            "outcome": outcome,
            "operation": operation.operation_id(),
            "error": failure.message,
            "status": failure.status,
            "request_id": failure.request_id,
            "error_code": failure.error_code,
        }));
    } else {
        output.error(&failure.message);
        eprintln!("{}", output.err_colour(Colour::Yellow, advice));
    }
    exit
}

fn print_dry_run(output: Output, operation: Operation, request: &PreparedRequest) {
    if output.json() {
        let headers: Vec<Value> = request
            .wire_headers()
            .into_iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        let body: Value = serde_json::from_slice(request.body()).unwrap_or_else(|_| {
            Value::String(String::from_utf8_lossy(request.body()).into_owned())
        });
        output.print_json(&json!({
            "dry_run": true,
            "sent": false,
            "operation": operation.operation_id(),
            "method": request.method().as_str(),
            "url": request.url().as_str(),
            "headers": headers,
            "body": body,
        }));
    } else {
        eprintln!(
            "dry run: {} {} — signed, secrets redacted, nothing sent",
            request.method(),
            request.url()
        );
        println!("{}", request.redacted());
    }
}
