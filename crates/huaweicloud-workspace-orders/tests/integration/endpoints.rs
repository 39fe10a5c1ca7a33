//! Region → endpoint per operation, environment overrides (through a lookup function)
//! and base-URL validation.

use crate::support;

use std::collections::HashMap;
use std::ffi::OsString;

use huaweicloud_workspace_orders::endpoint::{
    BaseUrl, EndpointError, Endpoints, REGIONS, RegionPolicy, Service, WORKSPACE_REGIONS,
    WORKSPACEAPP_REGIONS, override_variable,
};
use huaweicloud_workspace_orders::error::Error;
use huaweicloud_workspace_orders::operation::Operation;
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};

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
    Operation::ALL.map(|operation| endpoints.base_url(operation).unwrap().as_str())
}

/// The base URLs of createAppOrder, createPeriodicOrder and createDesktopOrder, or the
/// error message for an operation without one.
fn outcomes(endpoints: &Endpoints) -> [String; 3] {
    Operation::ALL.map(|operation| match endpoints.base_url(operation) {
        Ok(url) => url.as_str().to_owned(),
        Err(error) => format!("error: {error}"),
    })
}

/// One test per region of the official SDKs' catalogue, with the exact base URLs their
/// region files give (`huaweicloudsdkworkspace` 3.1.219 `v2/region/workspace_region.py`,
/// `huaweicloudsdkworkspaceapp` 3.1.219 `v1/region/workspaceapp_region.py`; the Go SDK's
/// `services/workspace/v2/region/region.go` and `services/workspaceapp/v1/region/region.go`
/// agree). Written out, not derived from the crate's table, so a wrong entry there fails.
macro_rules! region_tests {
    ($($test:ident: $region:literal => app: $app:expr, workspace: $workspace:literal;)*) => {
        $(
            #[test]
            fn $test() {
                let endpoints = resolve($region, RegionPolicy::KnownOnly, &[])
                    .unwrap_or_else(|error| panic!("{} is refused: {error}", $region));
                let app: Option<&str> = $app;
                let [app_order, periodic_order, desktop_order] = outcomes(&endpoints);
                assert_eq!(periodic_order, $workspace, "{}: createPeriodicOrder", $region);
                assert_eq!(desktop_order, $workspace, "{}: createDesktopOrder", $region);
                match app {
                    Some(url) => assert_eq!(app_order, url, "{}: createAppOrder", $region),
                    None => {
                        // No SDK lists WorkspaceApp here: an error naming the region, the
                        // service and the override variable, never a guessed host.
                        let variable = override_variable(Service::WorkspaceApp, $region);
                        for part in [&format!("{:?}", $region), "WorkspaceApp", &variable] {
                            assert!(app_order.contains(part), "{}: {app_order}", $region);
                        }
                        assert!(app_order.starts_with("error: "), "{}: {app_order}", $region);
                    }
                }
            }
        )*

        /// The macro covers the whole catalogue, and nothing else.
        #[test]
        fn the_region_tests_cover_the_catalogue() {
            let mut tested = vec![$($region),*];
            tested.sort_unstable();
            assert_eq!(tested, WORKSPACE_REGIONS);
            let with_app: Vec<&str> = [$(($region, $app)),*]
                .into_iter()
                .filter_map(|(region, app): (&str, Option<&str>)| app.map(|_| region))
                .collect();
            let mut with_app = with_app;
            with_app.sort_unstable();
            assert_eq!(with_app, WORKSPACEAPP_REGIONS);
            assert_eq!(
                REGIONS.map(|entry| entry.id),
                WORKSPACE_REGIONS,
                "REGIONS is sorted and every region serves Workspace"
            );
        }
    };
}

region_tests! {
    af_north_1: "af-north-1" => app: Some("https://workspace.af-north-1.myhuaweicloud.com"), workspace: "https://workspace.af-north-1.myhuaweicloud.com";
    af_south_1: "af-south-1" => app: Some("https://workspace.af-south-1.myhuaweicloud.com"), workspace: "https://workspace.af-south-1.myhuaweicloud.com";
    ap_southeast_1: "ap-southeast-1" => app: Some("https://workspace.ap-southeast-1.myhuaweicloud.com"), workspace: "https://workspace.ap-southeast-1.myhuaweicloud.com";
    ap_southeast_2: "ap-southeast-2" => app: Some("https://workspace.ap-southeast-2.myhuaweicloud.com"), workspace: "https://workspace.ap-southeast-2.myhuaweicloud.com";
    ap_southeast_3: "ap-southeast-3" => app: Some("https://workspace.ap-southeast-3.myhuaweicloud.com"), workspace: "https://workspace.ap-southeast-3.myhuaweicloud.com";
    cn_east_3: "cn-east-3" => app: Some("https://appstream.cn-east-3.myhuaweicloud.com"), workspace: "https://workspace.cn-east-3.myhuaweicloud.com";
    cn_east_5: "cn-east-5" => app: Some("https://workspace.cn-east-5.myhuaweicloud.com"), workspace: "https://workspace.cn-east-5.myhuaweicloud.com";
    cn_north_11: "cn-north-11" => app: Some("https://workspace.cn-north-11.myhuaweicloud.com"), workspace: "https://workspace.cn-north-11.myhuaweicloud.com";
    cn_north_4: "cn-north-4" => app: Some("https://appstream.cn-north-4.myhuaweicloud.com"), workspace: "https://workspace.cn-north-4.myhuaweicloud.com";
    cn_north_9: "cn-north-9" => app: Some("https://appstream.cn-north-9.myhuaweicloud.com"), workspace: "https://workspace.cn-north-9.myhuaweicloud.com";
    cn_south_1: "cn-south-1" => app: Some("https://appstream.cn-south-1.myhuaweicloud.com"), workspace: "https://workspace.cn-south-1.myhuaweicloud.com";
    cn_southwest_2: "cn-southwest-2" => app: Some("https://appstream.cn-southwest-2.myhuaweicloud.com"), workspace: "https://workspace.cn-southwest-2.myhuaweicloud.com";
    eu_west_101: "eu-west-101" => app: None, workspace: "https://workspace.eu-west-101.myhuaweicloud.com";
    la_north_2: "la-north-2" => app: Some("https://workspace.la-north-2.myhuaweicloud.com"), workspace: "https://workspace.la-north-2.myhuaweicloud.com";
    la_south_2: "la-south-2" => app: Some("https://workspace.la-south-2.myhuaweicloud.com"), workspace: "https://workspace.la-south-2.myhuaweicloud.com";
    me_east_1: "me-east-1" => app: Some("https://workspace.me-east-1.myhuaweicloud.com"), workspace: "https://workspace.me-east-1.myhuaweicloud.com";
    sa_brazil_1: "sa-brazil-1" => app: Some("https://workspace.sa-brazil-1.myhuaweicloud.com"), workspace: "https://workspace.sa-brazil-1.myhuaweicloud.com";
    tr_west_1: "tr-west-1" => app: Some("https://workspace.tr-west-1.myhuaweicloud.com"), workspace: "https://workspace.tr-west-1.myhuaweicloud.com";
}

#[test]
fn an_unknown_region_is_an_error_listing_the_known_ones() {
    let error = resolve("xx-new-1", RegionPolicy::KnownOnly, &[]).unwrap_err();
    let message = error.to_string();
    for region in WORKSPACE_REGIONS {
        assert!(message.contains(region), "{message}");
    }
    assert!(
        message.contains("HUAWEICLOUD_SDK_REGION_WORKSPACE_XX_NEW_1"),
        "{message}"
    );
}

#[test]
fn an_unknown_region_can_be_opted_in_for_workspace_only() {
    let endpoints = resolve("xx-new-1", RegionPolicy::AllowUnknown, &[]).unwrap();
    let [app_order, periodic_order, desktop_order] = outcomes(&endpoints);
    assert_eq!(
        periodic_order,
        "https://workspace.xx-new-1.myhuaweicloud.com"
    );
    assert_eq!(
        desktop_order,
        "https://workspace.xx-new-1.myhuaweicloud.com"
    );
    assert!(
        app_order.contains("HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_XX_NEW_1"),
        "{app_order}"
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
    // is used (no fail-over for orders). The v1 order does not follow the Workspace
    // override (as in the official SDKs): it needs its own.
    let workspace_only = [(
        "HUAWEICLOUD_SDK_REGION_WORKSPACE_XX_NEW_1",
        "https://ws.example/base, https://fallback.example",
    )];
    let endpoints = resolve("xx-new-1", RegionPolicy::KnownOnly, &workspace_only).unwrap();
    let [app_order, periodic_order, desktop_order] = outcomes(&endpoints);
    assert_eq!(
        [periodic_order, desktop_order],
        ["https://ws.example/base"; 2]
    );
    assert!(
        app_order.contains("HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_XX_NEW_1"),
        "{app_order}"
    );
    let both = [
        workspace_only[0],
        (
            "HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_XX_NEW_1",
            "https://app.example",
        ),
    ];
    let endpoints = resolve("xx-new-1", RegionPolicy::KnownOnly, &both).unwrap();
    assert_eq!(
        urls(&endpoints),
        [
            "https://app.example",
            "https://ws.example/base",
            "https://ws.example/base"
        ]
    );

    // In a catalogued region where WorkspaceApp is on the Workspace host, a Workspace
    // override does not move the v1 order.
    let endpoints = resolve(
        "la-south-2",
        RegionPolicy::KnownOnly,
        &[(
            "HUAWEICLOUD_SDK_REGION_WORKSPACE_LA_SOUTH_2",
            "https://ws.example",
        )],
    )
    .unwrap();
    assert_eq!(
        urls(&endpoints),
        [
            "https://workspace.la-south-2.myhuaweicloud.com",
            "https://ws.example",
            "https://ws.example"
        ]
    );
    // And an override gives WorkspaceApp an endpoint where the catalogue has none.
    let endpoints = resolve(
        "eu-west-101",
        RegionPolicy::KnownOnly,
        &[(
            "HUAWEICLOUD_SDK_REGION_WORKSPACEAPP_EU_WEST_101",
            "https://app.example",
        )],
    )
    .unwrap();
    assert_eq!(
        urls(&endpoints),
        [
            "https://app.example",
            "https://workspace.eu-west-101.myhuaweicloud.com",
            "https://workspace.eu-west-101.myhuaweicloud.com"
        ]
    );
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

#[tokio::test]
async fn the_client_refuses_the_v1_order_where_workspaceapp_is_not_listed() {
    // Both services' overrides would otherwise come from the process environment.
    for service in [Service::Workspace, Service::WorkspaceApp] {
        let variable = override_variable(service, "eu-west-101");
        assert!(std::env::var_os(&variable).is_none(), "{variable} is set");
    }
    let credentials = Credentials::iam_token("MIIEiam-token-VALUE")
        .unwrap()
        .with_project_id("0123456789abcdef0123456789abcdef")
        .unwrap();
    let client = OrdersClient::builder(credentials)
        .region("eu-west-101")
        .build()
        .unwrap();
    let body: types::AppOrderRequest =
        serde_json::from_value(support::valid_body("createAppOrder")).unwrap();
    // Refused before any connection: nothing is sent to a guessed host.
    let error = client.create_app_order(body).await.unwrap_err();
    let Error::InvalidRequest { message } = &error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(
        message.contains("WorkspaceApp") && message.contains("\"eu-west-101\""),
        "{message}"
    );
    assert!(
        client.generated_client(Service::WorkspaceApp).is_err(),
        "generated client for WorkspaceApp in eu-west-101"
    );
    assert_eq!(
        client
            .generated_client(Service::Workspace)
            .map(|_| ())
            .map_err(|error| error.to_string()),
        Ok(())
    );
}
