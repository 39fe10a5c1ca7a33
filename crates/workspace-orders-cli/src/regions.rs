//! `workspace-orders regions`: the client's endpoint catalogue.

use huaweicloud_workspace_orders::endpoint::{Endpoints, RegionPolicy, WORKSPACE_REGIONS};
use huaweicloud_workspace_orders::operation::Operation;
use serde_json::{Map, Value, json};

use crate::exit::Exit;
use crate::output::Output;

pub fn run(output: Output) -> Exit {
    let mut rows = Vec::new();
    for region in WORKSPACE_REGIONS {
        // Resolved as `place --region` resolves it, environment overrides included.
        let endpoints = match Endpoints::resolve(region, RegionPolicy::KnownOnly, |name| {
            std::env::var_os(name)
        }) {
            Ok(endpoints) => endpoints,
            Err(error) => {
                output.error(&format!("{region}: {error}"));
                return Exit::Usage;
            }
        };
        // `None`: the operation's service has no endpoint in this region.
        let hosts: Vec<(Operation, Option<String>)> = Operation::ALL
            .into_iter()
            .map(|operation| {
                let url = endpoints.base_url(operation).ok().map(ToString::to_string);
                (operation, url)
            })
            .collect();
        rows.push((region, hosts));
    }
    if output.json() {
        let regions: Vec<Value> = rows
            .iter()
            .map(|(region, hosts)| {
                let endpoints: Map<String, Value> = hosts
                    .iter()
                    .map(|(operation, url)| (operation.operation_id().to_owned(), json!(url)))
                    .collect();
                json!({"region": region, "endpoints": endpoints})
            })
            .collect();
        output.print_json(&json!({ "regions": regions }));
    } else {
        for (region, hosts) in &rows {
            println!("{region}");
            for (operation, url) in hosts {
                let url = url
                    .as_deref()
                    .unwrap_or("none: the service has no endpoint here");
                println!("  {:<20} {url}", operation.operation_id());
            }
        }
    }
    Exit::Success
}
