//! Credentials: loading from the official variables (through a lookup function, so no
//! test touches the process environment), validation, and redaction.

use std::collections::HashMap;
use std::ffi::OsString;

use huaweicloud_workspace_orders::credentials::{Auth, Credentials, CredentialsError};

const AK: &str = "HUAWEICLOUD_SDK_AK";
const SK: &str = "HUAWEICLOUD_SDK_SK";
const TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
const PROJECT: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
const SECRET: &str = "s3cr3t-SK-value";
const SECURITY_TOKEN: &str = "sEcUrItY-tOkEn-value";

fn load(vars: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
    let map: HashMap<String, OsString> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), OsString::from(v)))
        .collect();
    Credentials::from_lookup(|name| map.get(name).cloned())
}

fn assert_names(error: CredentialsError, variable: &str) {
    assert_eq!(error.setting(), variable, "{error}");
    assert!(error.to_string().starts_with(variable), "{error}");
    for secret in [SECRET, SECURITY_TOKEN] {
        assert!(!error.to_string().contains(secret), "{error}");
        assert!(!format!("{error:?}").contains(secret), "{error:?}");
    }
}

#[test]
fn permanent_key_with_project() {
    let credentials = load(&[(AK, "AKEXAMPLE123"), (SK, SECRET), (PROJECT, "0123abcd")]).unwrap();
    assert_eq!(credentials.project_id(), Some("0123abcd"));
    match credentials.auth() {
        Auth::AccessKey {
            access_key,
            secret_key,
            security_token,
        } => {
            assert_eq!(access_key, "AKEXAMPLE123");
            assert_eq!(secret_key.expose(), SECRET);
            assert!(security_token.is_none());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn temporary_key() {
    let credentials = load(&[(AK, "AKTEMP"), (SK, SECRET), (TOKEN, SECURITY_TOKEN)]).unwrap();
    assert_eq!(credentials.project_id(), None);
    match credentials.auth() {
        Auth::AccessKey { security_token, .. } => {
            assert_eq!(security_token.as_ref().unwrap().expose(), SECURITY_TOKEN)
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn missing_variables_are_named() {
    assert_names(load(&[]).unwrap_err(), AK);
    assert_names(load(&[(AK, "AKEXAMPLE")]).unwrap_err(), SK);
    assert_names(load(&[(SK, SECRET)]).unwrap_err(), AK);
    // A security token alone is not a credential.
    assert_names(load(&[(TOKEN, SECURITY_TOKEN)]).unwrap_err(), AK);
}

#[test]
fn malformed_variables_are_named() {
    assert_names(load(&[(AK, ""), (SK, SECRET)]).unwrap_err(), AK);
    assert_names(
        load(&[(AK, "AK WITH SPACE"), (SK, SECRET)]).unwrap_err(),
        AK,
    );
    assert_names(
        load(&[(AK, "AK,Signature=x"), (SK, SECRET)]).unwrap_err(),
        AK,
    );
    assert_names(load(&[(AK, "AK"), (SK, "")]).unwrap_err(), SK);
    assert_names(
        load(&[(AK, "AK"), (SK, &format!("{SECRET}\n"))]).unwrap_err(),
        SK,
    );
    assert_names(
        load(&[(AK, "AK"), (SK, SECRET), (TOKEN, "")]).unwrap_err(),
        TOKEN,
    );
    assert_names(
        load(&[(AK, "AK"), (SK, SECRET), (TOKEN, "line\nbreak")]).unwrap_err(),
        TOKEN,
    );
    assert_names(
        load(&[(AK, "AK"), (SK, SECRET), (PROJECT, "")]).unwrap_err(),
        PROJECT,
    );
    assert_names(
        load(&[(AK, "AK"), (SK, SECRET), (PROJECT, "../other")]).unwrap_err(),
        PROJECT,
    );
}

#[cfg(unix)]
#[test]
fn non_unicode_values_are_named() {
    use std::os::unix::ffi::OsStringExt;
    let error = Credentials::from_lookup(|name| match name {
        AK => Some(OsString::from("AK")),
        SK => Some(OsString::from_vec(vec![0xff, 0xfe])),
        _ => None,
    })
    .unwrap_err();
    assert_names(error, SK);
}

#[test]
fn constructors_validate() {
    assert!(Credentials::iam_token("MIIE-token").is_ok());
    assert_eq!(
        Credentials::iam_token("").unwrap_err().setting(),
        "IAM token"
    );
    assert_eq!(
        Credentials::iam_token("two words").unwrap_err().setting(),
        "IAM token"
    );
    assert_eq!(
        Credentials::access_key("", SECRET).unwrap_err().setting(),
        "access key"
    );
    assert_eq!(
        Credentials::temporary_access_key("AK", SECRET, "")
            .unwrap_err()
            .setting(),
        "security token"
    );
    assert_eq!(
        Credentials::iam_token("t")
            .unwrap()
            .with_project_id("a/b")
            .unwrap_err()
            .setting(),
        "project id"
    );
}

#[test]
fn debug_never_shows_secrets() {
    let kinds = [
        Credentials::iam_token(SECURITY_TOKEN).unwrap(),
        Credentials::access_key("AKVISIBLE", SECRET).unwrap(),
        Credentials::temporary_access_key("AKVISIBLE", SECRET, SECURITY_TOKEN).unwrap(),
    ];
    for credentials in kinds {
        let shown = format!("{credentials:?} {:#?}", credentials.auth());
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(SECURITY_TOKEN), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let context = huaweicloud_workspace_orders::ClientContext::new(credentials);
        let shown = format!("{context:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains(SECURITY_TOKEN),
            "{shown}"
        );
    }
}
