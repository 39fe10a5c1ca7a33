//! Shared by the mock's tests: the spec's operations and example requests (read from
//! the embedded document, never copied), the ERRATA cases among them, and a raw HTTP
//! helper that shows exactly what the mock answers.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use workspace_orders_mock::spec::EMBEDDED_SPEC;
use workspace_orders_mock::{AccessKey, MockConfig, MockHandle, MockServer};

/// A project id of the shape Huawei Cloud uses (32 hexadecimal digits).
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// A temporary access key pair the mock started by [`mock_with_temporary_key`] accepts
/// together with [`SECURITY_TOKEN`].
pub const TEMPORARY_AK: &str = "TEMPORARYACCESSKEY";
/// The secret key of [`TEMPORARY_AK`].
pub const TEMPORARY_SK: &str = "temporary-secret";
/// The `X-Security-Token` that [`TEMPORARY_AK`] requires.
pub const SECURITY_TOKEN: &str = "security-token-value";

/// A mock accepting its default test credentials plus the temporary key above.
pub async fn mock_with_temporary_key() -> MockHandle {
    let mut config = MockConfig::default();
    config.auth.access_keys.push(AccessKey {
        access_key: TEMPORARY_AK.into(),
        secret_key: TEMPORARY_SK.into(),
        security_token: Some(SECURITY_TOKEN.into()),
    });
    MockServer::start(config).await.unwrap()
}

/// The OpenAPI document the mock serves.
pub fn spec() -> Value {
    serde_yaml_ng::from_str(EMBEDDED_SPEC).expect("the embedded spec is YAML")
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// The path template, `/v2/{project_id}/…`.
    pub template: String,
    /// Documented error statuses (4xx and 5xx).
    pub errors: Vec<u16>,
    /// The names of the documented error body's fields.
    pub error_fields: Vec<String>,
}

impl Operation {
    /// The path for `project_id`.
    pub fn path(&self, project_id: &str) -> String {
        self.template.replace("{project_id}", project_id)
    }
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    workspace_orders_openapi::reference::resolve(spec, node, "").unwrap_or_else(|e| panic!("{e}"))
}

/// Every operation, in document order.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            assert_eq!(method, "post", "{id}: the order operations are POSTs");
            let mut errors = Vec::new();
            let mut error_fields = Vec::new();
            for (status, response) in operation["responses"].as_object().expect("responses") {
                let Ok(code) = status.parse::<u16>() else {
                    continue;
                };
                if code < 400 {
                    continue;
                }
                errors.push(code);
                let schema = resolve(
                    spec,
                    &resolve(spec, response)["content"]["application/json"]["schema"],
                );
                error_fields = schema["properties"]
                    .as_object()
                    .expect("an error body with properties")
                    .keys()
                    .cloned()
                    .collect();
            }
            operations.push(Operation {
                id: id.to_owned(),
                template: template.clone(),
                errors,
                error_fields,
            });
        }
    }
    operations
}

/// The operation with `operationId` `id`.
pub fn operation(spec: &Value, id: &str) -> Operation {
    operations(spec)
        .into_iter()
        .find(|operation| operation.id == id)
        .unwrap_or_else(|| panic!("no operation {id} in the spec"))
}

/// One documented example request.
#[derive(Debug, Clone)]
pub struct Example {
    pub operation: Operation,
    pub name: String,
    /// The body exactly as documented.
    pub value: Value,
}

impl Example {
    pub fn label(&self) -> String {
        format!("{} / {}", self.operation.id, self.name)
    }

    /// The body to send: the documented one, or for an ERRATA case the corrected one.
    pub fn sendable(&self) -> Value {
        match erratum(&self.operation.id, &self.name) {
            Some(erratum) => erratum.entry.apply(&self.value).unwrap(),
            None => self.value.clone(),
        }
    }
}

/// Every example request body of every operation.
pub fn examples(spec: &Value) -> Vec<Example> {
    let mut examples = Vec::new();
    let by_id = operations(spec);
    for (_, item) in spec["paths"].as_object().expect("paths") {
        for (_, operation) in item.as_object().expect("path item") {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let media = &resolve(spec, &operation["requestBody"])["content"]["application/json"];
            for (name, example) in media["examples"].as_object().into_iter().flatten() {
                examples.push(Example {
                    operation: by_id
                        .iter()
                        .find(|o| o.id == id)
                        .expect("operation")
                        .clone(),
                    name: name.clone(),
                    value: resolve(spec, example)["value"].clone(),
                });
            }
        }
    }
    examples
}

/// An example that contradicts its own tables (openapi/ERRATA.md), as
/// `.ci/tools/spec/example-errata.json` records it.
pub struct Erratum {
    pub id: String,
    /// The field paths where the documented example fails validation.
    pub failing: Vec<String>,
    /// The record's entry, which corrects the example.
    pub entry: &'static workspace_orders_openapi::example_errata::ExampleErratum,
}

/// The ERRATA entry for an example, if it has one.
pub fn erratum(operation_id: &str, example: &str) -> Option<Erratum> {
    use workspace_orders_openapi::example_errata;
    let entry = example_errata::find(example_errata::embedded().unwrap(), operation_id, example)?;
    Some(Erratum {
        id: entry.erratum.clone(),
        failing: entry
            .failures
            .iter()
            .map(example_errata::Failure::field_path)
            .collect(),
        entry,
    })
}

/// The first example of `operation_id`, as sendable.
pub fn valid_body(spec: &Value, operation_id: &str) -> Value {
    examples(spec)
        .into_iter()
        .find(|example| example.operation.id == operation_id)
        .unwrap_or_else(|| panic!("{operation_id} has no example"))
        .sendable()
}

/// A response as received.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// `error_msg` of an error body.
    pub fn message(&self) -> String {
        self.json()["error_msg"]
            .as_str()
            .unwrap_or_else(|| panic!("no error_msg: {}", self.text))
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Asserts the status and that the body has exactly the documented error fields.
    pub fn assert_error(&self, status: u16, operation: &Operation) {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        let body = self.json();
        let mut fields: Vec<&String> = body.as_object().expect("an object").keys().collect();
        fields.sort();
        let mut documented: Vec<&String> = operation
            .error_fields
            .iter()
            .filter(|name| *name != "encoded_authorization_message")
            .collect();
        documented.sort();
        assert_eq!(
            fields, documented,
            "{}: error body {}",
            operation.id, self.text
        );
        assert!(
            self.header("content-type")
                .is_some_and(|value| value.starts_with("application/json")),
            "{:?}",
            self.headers
        );
        assert!(self.header("x-request-id").is_some(), "no X-Request-Id");
    }
}

/// Sends one request with a raw HTTP client (no retries, no redirects).
pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the mock answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a complete body");
    Answer {
        status,
        headers,
        text,
    }
}

/// A raw HTTP client for the mock.
pub fn http() -> reqwest::Client {
    huaweicloud_workspace_orders::client::http_client_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// POSTs `body` as JSON to `path` with `X-Auth-Token: token` and extra headers.
pub async fn post(
    base_url: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Answer {
    let mut request = http()
        .post(format!("{base_url}{path}"))
        .header("x-auth-token", token)
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request).await
}

/// The field paths an invalid-request message names: it reads
/// `invalid request body (N fields): path: reason; path: reason`; every expected path
/// must appear as `path: ` and the count must match, so no field is left out.
pub fn assert_names_exactly<S: AsRef<str>>(message: &str, expected: &[S]) {
    let count = expected.len();
    let header = format!("({count} field{})", if count == 1 { "" } else { "s" });
    assert!(message.contains(&header), "expected {header} in: {message}");
    for path in expected {
        let path = path.as_ref();
        let named =
            message.contains(&format!("): {path}: ")) || message.contains(&format!("; {path}: "));
        assert!(named, "{path} is not named in: {message}");
    }
}
