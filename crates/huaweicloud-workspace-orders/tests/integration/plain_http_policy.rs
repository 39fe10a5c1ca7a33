//! Plain http, which would carry the token or signature in clear, is accepted only to
//! loopback as `BaseUrl` documents it: `127.0.0.0/8`, `::1` (also IPv4-mapped) and
//! the name `localhost`. Any other address or name is refused, private, unspecified
//! and link-local addresses included, and names that merely resolve to loopback.

use huaweicloud_workspace_orders::endpoint::{BaseUrl, EndpointError};

const PLAIN_HTTP_REFUSED: &str = "plain http would expose credentials";

fn problem(text: &str) -> Option<String> {
    match BaseUrl::parse("base URL", text) {
        Ok(_) => None,
        Err(EndpointError::InvalidUrl { setting, problem }) => {
            assert_eq!(setting, "base URL");
            Some(problem)
        }
        Err(other) => panic!("{text}: unexpected error {other}"),
    }
}

#[test]
fn plain_http_is_accepted_to_loopback_only() {
    for loopback in [
        "http://127.0.0.1:8080",
        "http://127.255.255.254",
        // The URL parser's other spellings of 127.0.0.1.
        "http://127.1",
        "http://2130706433",
        "http://[::1]:8080",
        "http://[::ffff:127.0.0.1]:8080",
        "http://localhost:8080",
        "http://LOCALHOST",
    ] {
        assert_eq!(problem(loopback), None, "{loopback}");
    }
}

#[test]
fn plain_http_to_anything_else_is_refused() {
    for elsewhere in [
        "http://10.0.0.1",
        "http://192.168.1.1:8080",
        "http://172.16.0.1",
        "http://8.8.8.8",
        "http://169.254.169.254",
        "http://0.0.0.0:8080",
        "http://[::]:8080",
        "http://[fe80::1]",
        "http://[::ffff:10.0.0.1]",
        "http://[::ffff:192.168.1.1]:8080",
        "http://[2001:db8::1]",
        // Names are not resolved: only `localhost` itself counts.
        "http://localhost.example",
        "http://localhost.",
        "http://127.0.0.1.nip.io",
        "http://workspace.cn-north-4.myhuaweicloud.com",
    ] {
        let problem = problem(elsewhere);
        assert!(
            problem
                .as_deref()
                .is_some_and(|p| p.starts_with(PLAIN_HTTP_REFUSED)),
            "{elsewhere}: {problem:?}"
        );
        // The same host over https is fine: the rule is about clear text.
        let https = elsewhere.replacen("http://", "https://", 1);
        assert_eq!(self::problem(&https), None, "{https}");
    }
}
