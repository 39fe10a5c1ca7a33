//! One request, from routing to the answer.
//!
//! Order of checks, like a gateway in front of the service: route (404/405), injected
//! fault, body size (413), authentication (401), then path parameters, content type and
//! body against the operation's schema (400). Only a request that passes everything is
//! recorded and answered `200` with a new `order_id`.

use std::collections::BTreeSet;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Extension, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::auth::{AuthConfig, Principal, Received};
use crate::connection::ConnectionControl;
use crate::fault::{FAULT_HEADER, Fault, Outcome};
use crate::orders::{AcceptedOrder, Ledger};
use crate::spec::{Operation, Route, Spec};
use crate::strict_json::{self, JsonError};

/// The header a client sends its project id in, besides the path.
const PROJECT_ID_HEADER: &str = "x-project-id";
/// The response header naming the request, as Huawei's services send it.
const REQUEST_ID_HEADER: &str = "x-request-id";

/// What every request handler shares.
#[derive(Debug)]
pub struct Shared {
    pub spec: Spec,
    pub auth: AuthConfig,
    pub fault: Fault,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    pub ledger: Arc<Ledger>,
    pub requests: AtomicU64,
}

/// An error answer in the shape of the operation's documented error body: what a
/// stage that refuses the request sends.
struct ErrorAnswer {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// The error body fields the spec documents for this answer.
    fields: BTreeSet<String>,
    /// The `Allow` header of a 405.
    allow: Option<String>,
    /// Whether the connection ends with this answer (`Connection: close`).
    close: bool,
}

impl ErrorAnswer {
    /// An error of `operation`, with the body fields it documents for `status`.
    fn new(
        operation: &Operation,
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::with_fields(
            operation.error_fields(status.as_u16()),
            status,
            code,
            message,
        )
    }

    /// An error whose body has `fields` (before an operation is known).
    fn with_fields(
        fields: BTreeSet<String>,
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields,
            allow: None,
            close: false,
        }
    }

    /// A 400 naming what is invalid in the request.
    fn invalid(operation: &Operation, message: String) -> Self {
        Self::new(
            operation,
            StatusCode::BAD_REQUEST,
            "MOCK.InvalidRequest",
            message,
        )
    }

    /// The response, with only the documented body fields.
    fn into_response(self, request_id: &str) -> Response {
        let mut body = Map::new();
        for (name, value) in [
            ("error_code", self.code),
            ("error_msg", self.message.as_str()),
            ("error_detail", self.message.as_str()),
        ] {
            if self.fields.contains(name) {
                body.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
        let mut response = json_response(self.status, &Value::Object(body), request_id);
        if let Some(allow) = self.allow
            && let Ok(value) = HeaderValue::from_str(&allow)
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
        if self.close {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// Why a request gets no order: the answer sent instead.
enum Refusal {
    /// An error body in the documented shape.
    Error(ErrorAnswer),
    /// An injected fault's own answer (or a dropped connection).
    Fault(Response),
}

impl From<ErrorAnswer> for Refusal {
    fn from(answer: ErrorAnswer) -> Self {
        Refusal::Error(answer)
    }
}

fn json_response(status: StatusCode, body: &Value, request_id: &str) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The axum handler for every path: the spec decides what exists.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    Extension(connection): Extension<ConnectionControl>,
    request: Request,
) -> Response {
    let sequence = shared.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = format!("{:032x}", u128::from(sequence) | (0x6d6f_636b_u128 << 96));
    let (parts, body) = request.into_parts();
    match place_order(&shared, &connection, &parts, body, &request_id).await {
        Ok(order_id) => json_response(
            StatusCode::OK,
            &json!({ "order_id": order_id }),
            &request_id,
        ),
        Err(Refusal::Error(answer)) => answer.into_response(&request_id),
        Err(Refusal::Fault(response)) => response,
    }
}

/// The stages a request goes through, in the order a gateway in front of the service
/// checks; the first that refuses gives the answer. Returns the new order's id.
async fn place_order(
    shared: &Shared,
    connection: &ConnectionControl,
    parts: &Parts,
    body: Body,
    request_id: &str,
) -> Result<String, Refusal> {
    let (operation, parameters) = route(&shared.spec, parts)?;
    let fault = requested_fault(shared.fault, operation, &parts.headers)?;
    inject_fault(fault, shared, operation, connection, request_id).await?;
    let body = read_body(body, shared, operation, &parts.headers).await?;
    let principal = authenticate(&shared.auth, operation, parts, &body)?;
    let project_id = check_parameters(operation, &parameters, &parts.headers)?;
    let document = parse_body(operation, &parts.headers, &body)?;
    // The schema includes the rules between fields (`x-rules`, a keyword of its own).
    validate_body(operation, document.as_ref())?;
    Ok(record_order(
        &shared.ledger,
        operation,
        project_id,
        principal,
        document,
    ))
}

/// A path's parameters by name, decoded, as [`Spec::route`] gives them.
type PathParameters = Vec<(String, String)>;

/// The operation at the request's method and path, with its path parameters
/// (404 and 405 otherwise).
fn route<'a>(
    spec: &'a Spec,
    parts: &Parts,
) -> Result<(&'a Operation, PathParameters), ErrorAnswer> {
    let path = parts.uri.path();
    match spec.route(&parts.method, path) {
        Route::Operation(operation, parameters) => Ok((operation, parameters)),
        Route::NotFound => Err(ErrorAnswer::with_fields(
            spec.common_error_fields().clone(),
            StatusCode::NOT_FOUND,
            "MOCK.NotFound",
            format!("no operation at {path}"),
        )),
        Route::MethodNotAllowed(operations) => {
            let allow = operations
                .iter()
                .map(|operation| operation.method.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            // The path names the operation(s): answer with their documented error body.
            let fields = operations
                .first()
                .map(|operation| operation.error_fields(405))
                .unwrap_or_else(|| spec.common_error_fields().clone());
            let mut answer = ErrorAnswer::with_fields(
                fields,
                StatusCode::METHOD_NOT_ALLOWED,
                "MOCK.MethodNotAllowed",
                format!(
                    "{} is not allowed on {path}; allowed: {allow}",
                    parts.method
                ),
            );
            answer.allow = Some(allow);
            Err(answer)
        }
    }
}

/// The fault the request asks for in `X-Mock-Fault`, or the server's.
fn requested_fault(
    server_fault: Fault,
    operation: &Operation,
    headers: &HeaderMap,
) -> Result<Fault, ErrorAnswer> {
    let bad_fault = |message: String| {
        ErrorAnswer::new(operation, StatusCode::BAD_REQUEST, "MOCK.BadFault", message)
    };
    match headers.get(FAULT_HEADER).map(|value| value.to_str()) {
        None => Ok(server_fault),
        Some(Ok(text)) => text
            .parse::<Fault>()
            .map_err(|error| bad_fault(format!("header X-Mock-Fault: {error}"))),
        Some(Err(_)) => Err(bad_fault(
            "header X-Mock-Fault is not visible ASCII".to_owned(),
        )),
    }
}

/// Waits the fault's delay, then answers in its place if it replaces the answer.
async fn inject_fault(
    fault: Fault,
    shared: &Shared,
    operation: &Operation,
    connection: &ConnectionControl,
    request_id: &str,
) -> Result<(), Refusal> {
    if let Some(delay) = fault.delay {
        tokio::time::sleep(delay).await;
    }
    match fault.outcome {
        None => Ok(()),
        Some(Outcome::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let documented = if operation.errors.contains_key(&code) {
                "documented"
            } else {
                "undocumented"
            };
            Err(ErrorAnswer::new(
                operation,
                status,
                "MOCK.InjectedFault",
                format!(
                    "injected fault: {documented} status {code} for {}",
                    operation.id
                ),
            )
            .into())
        }
        Some(Outcome::MalformedJson) => {
            let cut = format!(
                "{{\"order_id\": \"{}",
                shared.ledger.next_order_id(OffsetDateTime::now_utc())
            );
            let mut response = json_response(StatusCode::OK, &Value::Null, request_id);
            *response.body_mut() = Body::from(cut);
            Err(Refusal::Fault(response))
        }
        Some(Outcome::Html(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
            let page = format!(
                "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center>\
                 <hr><center>mock gateway</center></body></html>\n"
            );
            let mut response = (status, page).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            Err(Refusal::Fault(response))
        }
        Some(Outcome::DropConnection) => Err(Refusal::Fault(connection.drop_now().await)),
    }
}

/// The whole body, if it comes within the size limit and the request timeout (408,
/// 413 and a broken body otherwise).
async fn read_body(
    body: Body,
    shared: &Shared,
    operation: &Operation,
    headers: &HeaderMap,
) -> Result<Vec<u8>, ErrorAnswer> {
    let read = read_limited(body, shared.max_body_bytes, headers);
    let Ok(read) = tokio::time::timeout(shared.request_timeout, read).await else {
        let mut answer = ErrorAnswer::new(
            operation,
            StatusCode::REQUEST_TIMEOUT,
            "MOCK.RequestTimeout",
            format!(
                "the request body was not complete within {} ms of its head",
                shared.request_timeout.as_millis()
            ),
        );
        // The rest of the body may never come: the connection ends with this answer.
        answer.close = true;
        return Err(answer);
    };
    read.map_err(|error| match error {
        ReadError::TooLarge => {
            let mut answer = ErrorAnswer::new(
                operation,
                StatusCode::PAYLOAD_TOO_LARGE,
                "MOCK.PayloadTooLarge",
                format!(
                    "the request body is larger than {} bytes",
                    shared.max_body_bytes
                ),
            );
            // The rest of an oversized body may still be on its way: do not reuse the
            // connection.
            answer.close = true;
            answer
        }
        ReadError::Broken(error) => ErrorAnswer::new(
            operation,
            StatusCode::BAD_REQUEST,
            "MOCK.BrokenBody",
            format!("the request body could not be read: {error}"),
        ),
    })
}

/// Who sent the request: an accepted token or a valid signature (401 otherwise).
fn authenticate(
    auth: &AuthConfig,
    operation: &Operation,
    parts: &Parts,
    body: &[u8],
) -> Result<Principal, ErrorAnswer> {
    let received = Received {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body,
    };
    auth.authenticate(&received, OffsetDateTime::now_utc())
        .map_err(|failure| {
            ErrorAnswer::new(
                operation,
                StatusCode::UNAUTHORIZED,
                "MOCK.Unauthorized",
                format!("authentication failed: {failure}"),
            )
        })
}

/// The path parameters checked, and the project id, which `X-Project-Id` must repeat
/// when sent (400 otherwise).
fn check_parameters(
    operation: &Operation,
    parameters: &[(String, String)],
    headers: &HeaderMap,
) -> Result<String, ErrorAnswer> {
    let parameter_failures = operation.check_parameters(parameters);
    if !parameter_failures.is_empty() {
        return Err(ErrorAnswer::invalid(
            operation,
            format!("invalid request: {}", parameter_failures.join("; ")),
        ));
    }
    let project_id = parameters
        .iter()
        .find(|(name, _)| name == "project_id")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    if let Some(header) = headers.get(PROJECT_ID_HEADER)
        && header.to_str().ok() != Some(project_id.as_str())
    {
        return Err(ErrorAnswer::invalid(
            operation,
            format!(
                "invalid request: header X-Project-Id differs from the path's project_id {project_id:?}"
            ),
        ));
    }
    Ok(project_id)
}

/// The body as strict JSON of a media type the operation takes; `None` when there is
/// no body and none is required (400 otherwise).
fn parse_body(
    operation: &Operation,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<Value>, ErrorAnswer> {
    let invalid = |message: String| ErrorAnswer::invalid(operation, message);
    let Some(schema) = &operation.request_body else {
        return if body.is_empty() {
            Ok(None)
        } else {
            Err(invalid(format!(
                "invalid request: {} takes no request body",
                operation.id
            )))
        };
    };
    if body.is_empty() {
        return if schema.required {
            Err(invalid(
                "invalid request: the request body is required".into(),
            ))
        } else {
            Ok(None)
        };
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or(""));
    match content_type {
        Some(content_type) if schema.accepts(content_type) => {}
        Some(content_type) => {
            return Err(invalid(format!(
                "invalid request: Content-Type {content_type:?} is not {}",
                schema.media_types.join(" or ")
            )));
        }
        None => {
            return Err(invalid(format!(
                "invalid request: Content-Type is missing (expected {})",
                schema.media_types.join(" or ")
            )));
        }
    }
    let document = strict_json::parse(body).map_err(|error| {
        invalid(match error {
            JsonError::Syntax(error) => format!("invalid request: the body is not JSON: {error}"),
            JsonError::DuplicateKey { path, line, column } => format!(
                "invalid request body (1 field): {path}: is given more than once \
                 (line {line} column {column}); a key may appear once per object"
            ),
        })
    })?;
    Ok(Some(document))
}

/// The parsed body against the operation's schema: every failing field, by path
/// (400 otherwise).
fn validate_body(operation: &Operation, document: Option<&Value>) -> Result<(), ErrorAnswer> {
    let (Some(schema), Some(document)) = (&operation.request_body, document) else {
        return Ok(());
    };
    let failures = schema.failures(document);
    if failures.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
    Err(ErrorAnswer::invalid(
        operation,
        format!(
            "invalid request body ({} field{}): {}",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            lines.join("; ")
        ),
    ))
}

/// Records the accepted order under a new order id, and returns the id.
fn record_order(
    ledger: &Ledger,
    operation: &Operation,
    project_id: String,
    principal: Principal,
    document: Option<Value>,
) -> String {
    let order_id = ledger.next_order_id(OffsetDateTime::now_utc());
    ledger.record(AcceptedOrder {
        order_id: order_id.clone(),
        operation_id: operation.id.clone(),
        project_id,
        principal,
        body: document.unwrap_or(Value::Null),
    });
    order_id
}

enum ReadError {
    TooLarge,
    Broken(axum::Error),
}

/// How much of a refused body is still read and thrown away, so that a client still
/// writing it gets the 413 instead of a connection reset; beyond this the connection
/// is closed.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Reads the body, refusing more than `limit` bytes without keeping them.
async fn read_limited(
    mut body: Body,
    limit: usize,
    headers: &HeaderMap,
) -> Result<Vec<u8>, ReadError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok());
    let mut too_large = declared.is_some_and(|length| length > limit as u64);
    let mut bytes = Vec::new();
    let mut seen = 0_usize;
    while let Some(frame) =
        std::future::poll_fn(|context| Pin::new(&mut body).poll_frame(context)).await
    {
        let frame = match frame {
            Ok(frame) => frame,
            // A broken body after the limit was passed is still a body too large.
            Err(_) if too_large => break,
            Err(error) => return Err(ReadError::Broken(error)),
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > limit {
            too_large = true;
            bytes = Vec::new();
        }
        if too_large {
            if seen > DRAIN_LIMIT {
                break;
            }
        } else {
            bytes.extend_from_slice(&data);
        }
    }
    if too_large {
        Err(ReadError::TooLarge)
    } else {
        Ok(bytes)
    }
}
