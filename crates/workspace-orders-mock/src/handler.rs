//! One request, from routing to the answer.
//!
//! Order of checks, like a gateway in front of the service: route (404/405), injected
//! fault, body size (413), authentication (401), then path parameters, content type and
//! body against the operation's schema (400). Only a request that passes everything is
//! recorded and answered `200` with a new `order_id`.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Extension, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::auth::{AuthConfig, Received};
use crate::fault::{FAULT_HEADER, Fault, Outcome};
use crate::orders::{AcceptedOrder, Ledger};
use crate::server::ConnectionControl;
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

/// An error answer in the shape of the operation's documented error body.
struct ErrorAnswer {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<String>,
}

impl ErrorAnswer {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    /// The body, with only the fields the spec documents for this status.
    fn into_response(
        self,
        fields: &std::collections::BTreeSet<String>,
        request_id: &str,
    ) -> Response {
        let mut body = Map::new();
        for (name, value) in [
            ("error_code", self.code),
            ("error_msg", self.message.as_str()),
            ("error_detail", self.message.as_str()),
        ] {
            if fields.contains(name) {
                body.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
        let mut response = json_response(self.status, &Value::Object(body), request_id);
        if let Some(allow) = self.allow
            && let Ok(value) = HeaderValue::from_str(&allow)
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
        response
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
    let path = parts.uri.path();

    let (operation, parameters) = match shared.spec.route(&parts.method, path) {
        Route::Operation(operation, parameters) => (operation, parameters),
        Route::NotFound => {
            return ErrorAnswer::new(
                StatusCode::NOT_FOUND,
                "MOCK.NotFound",
                format!("no operation at {path}"),
            )
            .into_response(shared.spec.common_error_fields(), &request_id);
        }
        Route::MethodNotAllowed(operations) => {
            let allow = operations
                .iter()
                .map(|operation| operation.method.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut answer = ErrorAnswer::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MOCK.MethodNotAllowed",
                format!(
                    "{} is not allowed on {path}; allowed: {allow}",
                    parts.method
                ),
            );
            answer.allow = Some(allow);
            // The path names the operation(s): answer with their documented error body.
            let fields = operations
                .first()
                .map(|operation| operation.error_fields(405))
                .unwrap_or_else(|| shared.spec.common_error_fields().clone());
            return answer.into_response(&fields, &request_id);
        }
    };
    let reply = |answer: ErrorAnswer| {
        let fields = operation.error_fields(answer.status.as_u16());
        answer.into_response(&fields, &request_id)
    };

    let fault = match parts.headers.get(FAULT_HEADER).map(|value| value.to_str()) {
        None => shared.fault,
        Some(Ok(text)) => match text.parse::<Fault>() {
            Ok(fault) => fault,
            Err(error) => {
                return reply(ErrorAnswer::new(
                    StatusCode::BAD_REQUEST,
                    "MOCK.BadFault",
                    format!("header X-Mock-Fault: {error}"),
                ));
            }
        },
        Some(Err(_)) => {
            return reply(ErrorAnswer::new(
                StatusCode::BAD_REQUEST,
                "MOCK.BadFault",
                "header X-Mock-Fault is not visible ASCII",
            ));
        }
    };
    if let Some(delay) = fault.delay {
        tokio::time::sleep(delay).await;
    }
    match fault.outcome {
        None => {}
        Some(Outcome::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let documented = if operation.errors.contains_key(&code) {
                "documented"
            } else {
                "undocumented"
            };
            return reply(ErrorAnswer::new(
                status,
                "MOCK.InjectedFault",
                format!(
                    "injected fault: {documented} status {code} for {}",
                    operation.id
                ),
            ));
        }
        Some(Outcome::MalformedJson) => {
            let cut = format!(
                "{{\"order_id\": \"{}",
                shared.ledger.next_order_id(OffsetDateTime::now_utc())
            );
            let mut response = json_response(StatusCode::OK, &Value::Null, &request_id);
            *response.body_mut() = Body::from(cut);
            return response;
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
            return response;
        }
        Some(Outcome::DropConnection) => return connection.drop_now().await,
    }

    let read = read_limited(body, shared.max_body_bytes, &parts.headers);
    let Ok(read) = tokio::time::timeout(shared.request_timeout, read).await else {
        let mut response = reply(ErrorAnswer::new(
            StatusCode::REQUEST_TIMEOUT,
            "MOCK.RequestTimeout",
            format!(
                "the request body was not complete within {} ms of its head",
                shared.request_timeout.as_millis()
            ),
        ));
        // The rest of the body may never come: the connection ends with this answer.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    };
    let body = match read {
        Ok(body) => body,
        Err(ReadError::TooLarge) => {
            let mut response = reply(ErrorAnswer::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "MOCK.PayloadTooLarge",
                format!(
                    "the request body is larger than {} bytes",
                    shared.max_body_bytes
                ),
            ));
            // The rest of an oversized body may still be on its way: do not reuse the connection.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
        Err(ReadError::Broken(error)) => {
            return reply(ErrorAnswer::new(
                StatusCode::BAD_REQUEST,
                "MOCK.BrokenBody",
                format!("the request body could not be read: {error}"),
            ));
        }
    };

    let received = Received {
        method: parts.method.as_str(),
        path,
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
    };
    let principal = match shared
        .auth
        .authenticate(&received, OffsetDateTime::now_utc())
    {
        Ok(principal) => principal,
        Err(failure) => {
            return reply(ErrorAnswer::new(
                StatusCode::UNAUTHORIZED,
                "MOCK.Unauthorized",
                format!("authentication failed: {failure}"),
            ));
        }
    };

    let invalid = |message: String| {
        reply(ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            "MOCK.InvalidRequest",
            message,
        ))
    };
    let parameter_failures = operation.check_parameters(&parameters);
    if !parameter_failures.is_empty() {
        return invalid(format!(
            "invalid request: {}",
            parameter_failures.join("; ")
        ));
    }
    let project_id = parameters
        .iter()
        .find(|(name, _)| name == "project_id")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    if let Some(header) = parts.headers.get(PROJECT_ID_HEADER)
        && header.to_str().ok() != Some(project_id.as_str())
    {
        return invalid(format!(
            "invalid request: header X-Project-Id differs from the path's project_id {project_id:?}"
        ));
    }

    let document = match check_body(operation, &parts.headers, &body) {
        Ok(document) => document,
        Err(message) => return invalid(message),
    };

    let order_id = shared.ledger.next_order_id(OffsetDateTime::now_utc());
    shared.ledger.record(AcceptedOrder {
        order_id: order_id.clone(),
        operation_id: operation.id.clone(),
        project_id,
        principal,
        body: document,
    });
    json_response(
        StatusCode::OK,
        &json!({ "order_id": order_id }),
        &request_id,
    )
}

/// The body parsed and valid against the operation's schema, or why not (every failing
/// field, by path).
fn check_body(operation: &Operation, headers: &HeaderMap, body: &[u8]) -> Result<Value, String> {
    let Some(schema) = &operation.request_body else {
        return if body.is_empty() {
            Ok(Value::Null)
        } else {
            Err(format!(
                "invalid request: {} takes no request body",
                operation.id
            ))
        };
    };
    if body.is_empty() {
        return if schema.required {
            Err("invalid request: the request body is required".into())
        } else {
            Ok(Value::Null)
        };
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or(""));
    match content_type {
        Some(content_type) if schema.accepts(content_type) => {}
        Some(content_type) => {
            return Err(format!(
                "invalid request: Content-Type {content_type:?} is not {}",
                schema.media_types.join(" or ")
            ));
        }
        None => {
            return Err(format!(
                "invalid request: Content-Type is missing (expected {})",
                schema.media_types.join(" or ")
            ));
        }
    }
    let document = strict_json::parse(body).map_err(|error| match error {
        JsonError::Syntax(error) => format!("invalid request: the body is not JSON: {error}"),
        JsonError::DuplicateKey { path, line, column } => format!(
            "invalid request body (1 field): {path}: is given more than once \
             (line {line} column {column}); a key may appear once per object"
        ),
    })?;
    let failures = schema.failures(&document);
    if failures.is_empty() {
        Ok(document)
    } else {
        let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
        Err(format!(
            "invalid request body ({} field{}): {}",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            lines.join("; ")
        ))
    }
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
