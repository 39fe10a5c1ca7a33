//! No public way to a generated `Client` that follows redirects or retries:
//! progenitor's `Client::new` (reqwest defaults: redirects followed with the
//! credentials) is removed by the generator and `Client::new_with_client` is
//! crate-private, so `OrdersClient::generated_client`, which shares the client's
//! transport, is the only way. Checked on the generated source, and on the wire: a
//! redirect reaches neither its target nor the redirecting server twice.

use crate::support;

use huaweicloud_workspace_orders::endpoint::Service;
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use support::{Answer, Server};
use syn2::{ImplItem, Item, ReturnType, Type, Visibility};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "MIIEiam-token-VALUE";

fn names(ty: &Type, wanted: &[&str]) -> bool {
    matches!(ty, Type::Path(path) if wanted.iter().any(|name| path.path.is_ident(name)))
}

#[test]
fn the_generated_client_has_no_public_constructor() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/generated.rs");
    let file = syn2::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut client_impls = 0;
    let mut public_constructors = Vec::new();
    for item in &file.items {
        match item {
            Item::Impl(block) if block.trait_.is_none() && names(&block.self_ty, &["Client"]) => {
                client_impls += 1;
                for member in &block.items {
                    if let ImplItem::Fn(function) = member
                        && matches!(function.vis, Visibility::Public(_))
                        && matches!(&function.sig.output,
                            ReturnType::Type(_, returned) if names(returned, &["Self", "Client"]))
                    {
                        public_constructors.push(function.sig.ident.to_string());
                    }
                }
            }
            Item::Struct(client) if client.ident == "Client" => {
                // Public fields would let a caller build one with any reqwest client.
                for field in &client.fields {
                    assert!(
                        !matches!(field.vis, Visibility::Public(_)),
                        "Client has a public field {:?}",
                        field.ident
                    );
                }
            }
            _ => {}
        }
    }
    assert!(client_impls > 0, "no `impl Client` found in generated.rs");
    assert!(
        public_constructors.is_empty(),
        "public constructors of the generated Client: {public_constructors:?}"
    );
}

#[tokio::test]
async fn the_generated_client_does_not_follow_a_redirect() {
    let elsewhere = Server::start(Answer::order_placed()).await;
    for status in [301, 302, 303, 307, 308] {
        let redirecting = Server::start(Answer {
            status,
            headers: vec![("location".into(), format!("{}/steal", elsewhere.base_url))],
            body: String::new(),
        })
        .await;
        let client = OrdersClient::builder(
            Credentials::iam_token(TOKEN)
                .unwrap()
                .with_project_id(PROJECT)
                .unwrap(),
        )
        .base_url(&redirecting.base_url)
        .build()
        .unwrap();
        let body: types::PeriodicOrderRequest =
            serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap();
        let error = client
            .generated_client(Service::Workspace)
            .unwrap()
            .create_periodic_order()
            .project_id(PROJECT)
            .body(body)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
        assert_eq!(redirecting.requests().len(), 1, "{status}: sent again");
        assert!(
            elsewhere.requests().is_empty(),
            "{status}: the redirect target received the order and the token"
        );
    }
}
