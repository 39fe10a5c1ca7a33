//! Request-path overhead: what the client does to a `createDesktops` order before it
//! reaches the socket (typed construction with its checks, JSON serialization, the
//! pre-send hook that sets the headers and signs with `SDK-HMAC-SHA256` through
//! [`signer::sign`](huaweicloud_workspace_orders::signer::sign)), against the baseline
//! of serializing the same order held as a `serde_json::Value`.
//!
//! `cargo bench -p huaweicloud-workspace-orders --bench request_path`; the
//! `xtask/bench/run.sh` script runs it and reports medians and ratios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code: a failed set-up panics

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use huaweicloud_workspace_orders::types::pattern_checks::ALL;
use huaweicloud_workspace_orders::{ClientContext, Credentials};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Request, Url};
use sha2::{Digest, Sha256};

use common::{DESKTOP_COUNTS, PROJECT_ID, desktop_inputs, desktop_order, desktop_order_value};

/// The generated method name the hook routes and checks by.
const METHOD_NAME: &str = "create_periodic_order";

/// Sets the headers and signs `body` as the client's pre-send hook does.
fn signed_request(context: &ClientContext, url: &Url, body: Vec<u8>) -> Request {
    let mut request = Request::new(Method::POST, url.clone());
    // The headers the generated method sets before the hook runs.
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    *request.body_mut() = Some(body.into());
    if let Err(error) = context.prepare(&mut request, METHOD_NAME, std::time::SystemTime::now()) {
        panic!("the benchmark request was refused: {error}");
    }
    request
}

fn request_path(c: &mut Criterion) {
    let credentials = Credentials::access_key("AKEXAMPLE0123456789", "secret-example-key")
        .and_then(|credentials| credentials.with_project_id(PROJECT_ID))
        .unwrap_or_else(|error| panic!("benchmark credentials: {error}"));
    let context = ClientContext::new(credentials);
    let url: Url = format!(
        "https://workspace.cn-north-4.myhuaweicloud.com/v2/{PROJECT_ID}/periodic/subscribe/order"
    )
    .parse()
    .unwrap_or_else(|error| panic!("benchmark URL: {error}"));

    let mut group = c.benchmark_group("request_path");
    group
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    for count in DESKTOP_COUNTS {
        let inputs = desktop_inputs(count);
        let order =
            desktop_order(&inputs).unwrap_or_else(|error| panic!("order of {count}: {error}"));
        let body = serde_json::to_vec(&order).unwrap_or_else(|error| panic!("serialize: {error}"));
        let value =
            serde_json::to_value(&order).unwrap_or_else(|error| panic!("to_value: {error}"));
        // Every side must describe exactly the same bytes on the wire.
        for (name, bytes) in [
            ("the typed order's Value", serde_json::to_vec(&value).ok()),
            (
                "the untyped order",
                serde_json::to_vec(&desktop_order_value(&inputs)).ok(),
            ),
        ] {
            assert_eq!(
                bytes.as_deref().map(String::from_utf8_lossy),
                Some(String::from_utf8_lossy(&body)),
                "{name} differs from the typed order ({count} desktops)"
            );
        }
        group.throughput(Throughput::Bytes(body.len() as u64));

        // What a caller pays before sending.
        group.bench_with_input(
            BenchmarkId::new("typed_build_validate_serialize_sign", count),
            &inputs,
            |b, inputs| {
                b.iter(|| {
                    let order = desktop_order(black_box(inputs))
                        .unwrap_or_else(|error| panic!("order: {error}"));
                    let body = serde_json::to_vec(&order)
                        .unwrap_or_else(|error| panic!("serialize: {error}"));
                    signed_request(&context, &url, body)
                })
            },
        );
        // The baseline of issue 7: serializing the order held as a Value, nothing
        // checked, nothing signed.
        group.bench_with_input(
            BenchmarkId::new("value_serialize", count),
            &value,
            |b, value| b.iter(|| serde_json::to_vec(black_box(value))),
        );
        // The untyped equivalent of the typed total's first two steps: building the
        // Value from the same inputs, then serializing it.
        group.bench_with_input(
            BenchmarkId::new("value_build_serialize", count),
            &inputs,
            |b, inputs| b.iter(|| serde_json::to_vec(&desktop_order_value(black_box(inputs)))),
        );
        // The parts, to see where the time goes.
        group.bench_with_input(
            BenchmarkId::new("typed_build_validate", count),
            &inputs,
            |b, inputs| b.iter(|| desktop_order(black_box(inputs))),
        );
        group.bench_with_input(
            BenchmarkId::new("typed_serialize", count),
            &order,
            |b, order| b.iter(|| serde_json::to_vec(black_box(order))),
        );
        group.bench_with_input(BenchmarkId::new("sign", count), &body, |b, body| {
            b.iter(|| signed_request(&context, &url, black_box(body.clone())))
        });
        // The part of signing no implementation avoids: SDK-HMAC-SHA256 hashes the body.
        group.bench_with_input(BenchmarkId::new("body_sha256", count), &body, |b, body| {
            b.iter(|| Sha256::digest(black_box(body)))
        });
    }
    group.finish();
}

/// The pattern checks `cargo xtask generate` emits against the regex engine typify
/// used before (`regress`, compiled once as typify did), on the 50 desktops' user and
/// computer names, side by side in one run.
fn pattern_checks(c: &mut Criterion) {
    let inputs = desktop_inputs(50);
    let mut group = c.benchmark_group("pattern_check");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let names = [
        (
            "user_name",
            inputs
                .iter()
                .map(|d| d.user_name.clone())
                .collect::<Vec<_>>(),
        ),
        (
            "computer_name",
            inputs.iter().map(|d| d.computer_name.clone()).collect(),
        ),
    ];
    let pattern_of = |field: &str| match field {
        "user_name" => "^[A-Za-z0-9][A-Za-z0-9_-]*$",
        _ => "^[A-Za-z0-9]([A-Za-z0-9\\u0080-\\uFFFF-]*[A-Za-z0-9\\u0080-\\uFFFF])?$",
    };
    for (field, values) in &names {
        let pattern = pattern_of(field);
        let check = ALL
            .iter()
            .find(|(p, _)| *p == pattern)
            .unwrap_or_else(|| panic!("no generated check for {pattern}"))
            .1;
        let regex =
            regress::Regex::new(pattern).unwrap_or_else(|error| panic!("{pattern}: {error}"));
        group.bench_function(BenchmarkId::new("generated", field), |b| {
            b.iter(|| values.iter().filter(|v| check(black_box(v))).count())
        });
        group.bench_function(BenchmarkId::new("regress", field), |b| {
            b.iter(|| {
                values
                    .iter()
                    .filter(|v| regex.find(black_box(v)).is_some())
                    .count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, request_path, pattern_checks);
criterion_main!(benches);
