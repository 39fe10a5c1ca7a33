//! Region → endpoint per operation, environment overrides (through a lookup function)
//! and base-URL validation.

use std::collections::HashMap;
use std::ffi::OsString;

use huaweicloud_workspace_orders::endpoint::{
    BaseUrl, EndpointError, Endpoints, RegionPolicy, Service, WORKSPACE_REGIONS,
    WORKSPACEAPP_REGIONS, override_variable,
};
use huaweicloud_workspace_orders::operation::Operation;

fn resolve(
    region: &str,
    policy: RegionPolicy,
    vars: &[(&str, &str)],
) -> Result<Endpoints, EndpointError> {
    let map: HashMap<String, OsString> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), OsString::from(v)))
        .collect();
    Endpoints::resolve(region, policy, |name| map.get(name).cloned())
}

fn urls(endpoints: &Endpoints) -> [&str; 3] {
    Operation::ALL.map(|operation| endpoints.base_url(operation).as_str())
}

#[test]
fn application_streaming_regions_send_the_v1_order_to_appstream() {
    for region in WORKSPACEAPP_REGIONS {
        let endpoints = resolve(region, RegionPolicy::KnownOnly, &[]).unwrap();
        assert_eq!(
            urls(&endpoints),
            [
                format!("https://appstream.{region}.myhuaweicloud.com").as_str(),
                format!("https://workspace.{region}.myhuaweicloud.com").as_str(),
                format!("https://workspace.{region}.myhuaweicloud.com").as_str(),
            ]
        );
    }
}

#[test]
fn other_workspace_regions_send_everything_to_workspace() {
    for region in WORKSPACE_REGIONS
        .iter()
        .filter(|r| !WORKSPACEAPP_REGIONS.contains(r))
    {
        let endpoints = resolve(region, RegionPolicy::KnownOnly, &[]).unwrap();
        let workspace = format!("https://workspace.{region}.myhuaweicloud.com");
        assert_eq!(urls(&endpoints), [workspace.as_str(); 3], "{region}");
    }
}

#[test]
fn an_unknown_region_is_an_error_listing_the_known_ones() {
    let error = resolve("eu-west-101", RegionPolicy::KnownOnly, &[]).unwrap_err();
    let message = error.to_string();
    for region in WORKSPACE_REGIONS {
        assert!(message.contains(region), "{message}");
    }
    assert!(
        message.contains("HUAWEICLOUD_SDK_REGION_WORKSPACE_EU_WEST_101"),
        "{message}"
    );
}

#[test]
fn an_unknown_region_can_be_opted_in() {
    let endpoints = resolve("eu-west-101", RegionPolicy::AllowUnknown, &[]).unwrap();
    assert_eq!(
        urls(&endpoints),
        ["https://workspace.eu-west-101.myhuaweicloud.com"; 3]
    );
}

#[test]
fn malformed_regions_are_refused_even_when_opted_in() {
    for region in [
        "",
        "CN-NORTH-4",
        "cn_north_4",
        "cn--north",
        "evil.com/x",
        "-cn",
    ] {
        let error = resolve(region, RegionPolicy::AllowUnknown, &[]).unwrap_err();
        assert!(
            matches!(error, EndpointError::MalformedRegion(_)),
            "{region}: {error}"
        );
    }
}

#[test]
fn override_variables_follow_the_official_naming() {
    assert_eq!(
        override_variable(Service::Workspace, "cn-north-4"),
        "HUAWEICLOUD_SDK_REGION_WORKSPACE_CN_NORTH_4"
    );
    assert_eq!(
        override_variable(Service::WorkspaceApp, "ap-southeast-3"),
        "HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_AP_SOUTHEAST_3"
    );
}

#[test]
fn environment_overrides_apply_per_service() {
    let endpoints = resolve(
        "cn-north-4",
        RegionPolicy::KnownOnly,
        &[(
            "HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_CN_NORTH_4",
            "https://apps.internal.example/",
        )],
    )
    .unwrap();
    assert_eq!(
        urls(&endpoints),
        [
            "https://apps.internal.example",
            "https://workspace.cn-north-4.myhuaweicloud.com",
            "https://workspace.cn-north-4.myhuaweicloud.com",
        ]
    );

    // An override makes an otherwise unknown region usable; only the first of a list
    // is used (no fail-over for orders). The v1 order follows the Workspace endpoint.
    let endpoints = resolve(
        "xx-new-1",
        RegionPolicy::KnownOnly,
        &[(
            "HUAWEICLOUD_SDK_REGION_WORKSPACE_XX_NEW_1",
            "https://ws.example/base, https://fallback.example",
        )],
    )
    .unwrap();
    assert_eq!(urls(&endpoints), ["https://ws.example/base"; 3]);
}

#[test]
fn a_bad_override_names_its_variable() {
    for value in ["", "not a url", "ftp://ws.example", "http://ws.example"] {
        let error = resolve(
            "cn-east-3",
            RegionPolicy::KnownOnly,
            &[("HUAWEICLOUD_SDK_REGION_WORKSPACE_CN_EAST_3", value)],
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("HUAWEICLOUD_SDK_REGION_WORKSPACE_CN_EAST_3:"),
            "{value:?}: {error}"
        );
    }
}

#[test]
fn base_urls_are_validated() {
    let ok = |text: &str| {
        BaseUrl::parse("base URL", text)
            .unwrap()
            .as_str()
            .to_owned()
    };
    assert_eq!(
        ok("https://proxy.example/workspace/"),
        "https://proxy.example/workspace"
    );
    assert_eq!(ok("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    assert_eq!(ok("http://localhost:8080/"), "http://localhost:8080");
    assert_eq!(ok("http://[::1]:8080"), "http://[::1]:8080");
    for bad in [
        "http://proxy.example",
        "https://user:pass@proxy.example",
        "https://proxy.example/?a=b",
        "https://proxy.example/#x",
        "file:///etc/passwd",
        "proxy.example",
    ] {
        let error = BaseUrl::parse("base URL", bad).unwrap_err();
        assert!(error.to_string().starts_with("base URL:"), "{bad}: {error}");
    }
}

#[test]
fn single_and_custom_endpoints() {
    let single = Endpoints::single(BaseUrl::parse("base URL", "http://127.0.0.1:1").unwrap());
    assert_eq!(urls(&single), ["http://127.0.0.1:1"; 3]);
    let custom = Endpoints::custom(
        BaseUrl::parse("workspace", "https://ws.example").unwrap(),
        BaseUrl::parse("app", "https://app.example").unwrap(),
    );
    assert_eq!(
        urls(&custom),
        [
            "https://app.example",
            "https://ws.example",
            "https://ws.example"
        ]
    );
}
