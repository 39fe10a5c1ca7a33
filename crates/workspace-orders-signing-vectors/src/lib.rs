//! The `SDK-HMAC-SHA256` (Huawei API Gateway AK/SK) signing vectors, as data files, and
//! the loader that reads them.
//!
//! The client's signer, the mock's verifier and the tests' independent signer are three
//! implementations of one algorithm; they share these expectations and nothing else.
//! Each case is a folder `vectors/<case>/`, as smithy-rs keeps its SigV4 suite:
//!
//! - `request`: `METHOD TARGET`, the target as sent (percent-encoded path, then
//!   `?query`), then one `name:value` line per header in the order sent. The value is
//!   everything after the first `:`, blanks included: trimming is the signer's job.
//!   Every case has a `host` and an `x-sdk-date` header.
//! - `body` (optional): the exact body bytes; no file means an empty body.
//! - `credentials`: an `access-key:<AK>` line and a `secret-key:<SK>` line.
//! - `canonical-request`, `string-to-sign`, `signature`: what each stage computes.
//! - `authorization`: the `Authorization` header value the signer sends.
//!
//! Text files are UTF-8 with `\n` line breaks; a file's one final line break is not
//! part of its value (none of the values ends with one).
//!
//! The loader only parses: it hashes, signs and encodes nothing, so the implementations
//! under test stay the only code that computes what the files expect.

use std::fmt;
use std::path::{Path, PathBuf};

/// The folder of the cases in this crate.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// One signing case: a request, the credentials, and what each stage yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The folder's name.
    pub name: String,
    /// The request as sent, before `Authorization` is added.
    pub request: Request,
    /// The access key id (AK).
    pub access_key: String,
    /// The secret key (SK).
    pub secret_key: String,
    /// The expected canonical request.
    pub canonical_request: String,
    /// The expected string to sign.
    pub string_to_sign: String,
    /// The expected hex signature.
    pub signature: String,
    /// The expected `Authorization` header value.
    pub authorization: String,
}

/// A request as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method (`GET`, `POST`).
    pub method: String,
    /// The request target: the path as sent (percent-encoded), then `?query` if any.
    pub target: String,
    /// The headers in the order sent: names as written, values verbatim.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(path, _)| path)
    }

    /// The query part of the target, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The first value of the header `name` (compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why a case could not be read: the file, the line when one is to blame, and what is
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file (or folder) at fault.
    pub file: PathBuf,
    /// The 1-based line at fault, if one is.
    pub line: Option<usize>,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.reason),
            None => write!(f, "{}: {}", self.file.display(), self.reason),
        }
    }
}

impl std::error::Error for LoadError {}

fn error(file: &Path, line: Option<usize>, reason: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_owned(),
        line,
        reason: reason.into(),
    }
}

/// Every case of this crate's folder, sorted by name.
pub fn load_all() -> Result<Vec<Case>, LoadError> {
    load_from(&vectors_dir())
}

/// Every case under `dir` (one folder each; dot-files such as `.gitattributes` are
/// skipped), sorted by name.
pub fn load_from(dir: &Path) -> Result<Vec<Case>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| error(dir, None, e.to_string()))?;
    let mut cases = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| error(dir, None, e.to_string()))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if !path.is_dir() {
            return Err(error(&path, None, "not a case folder"));
        }
        cases.push(load_case(&path)?);
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

/// The files a case folder may hold.
const FILES: [&str; 7] = [
    "request",
    "body",
    "credentials",
    "canonical-request",
    "string-to-sign",
    "signature",
    "authorization",
];

/// The case in the folder `dir`.
pub fn load_case(dir: &Path) -> Result<Case, LoadError> {
    let name = dir
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| error(dir, None, "the folder name is not UTF-8"))?
        .to_owned();
    let entries = std::fs::read_dir(dir).map_err(|e| error(dir, None, e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| error(dir, None, e.to_string()))?;
        let file_name = entry.file_name();
        if !FILES.iter().any(|known| file_name == *known) {
            return Err(error(
                &entry.path(),
                None,
                format!("not a case file (expected {})", FILES.join(", ")),
            ));
        }
    }

    let body_file = dir.join("body");
    let body = match std::fs::read(&body_file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(error(&body_file, None, e.to_string())),
    };
    let request = parse_request(dir, body)?;
    let (access_key, secret_key) = parse_credentials(&dir.join("credentials"))?;
    let signature = read_value(&dir.join("signature"), Lines::One)?;
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(error(
            &dir.join("signature"),
            Some(1),
            "expected 64 lower-case hex digits",
        ));
    }
    Ok(Case {
        name,
        request,
        access_key,
        secret_key,
        canonical_request: read_value(&dir.join("canonical-request"), Lines::Many)?,
        string_to_sign: read_value(&dir.join("string-to-sign"), Lines::Many)?,
        signature,
        authorization: read_value(&dir.join("authorization"), Lines::One)?,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// A text file's value: its content without one final line break.
fn read_value(file: &Path, lines: Lines) -> Result<String, LoadError> {
    let bytes = std::fs::read(file).map_err(|e| error(file, None, e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| error(file, None, "not UTF-8"))?;
    let value = text.strip_suffix('\n').unwrap_or(&text);
    if value.is_empty() {
        return Err(error(file, None, "empty"));
    }
    if value.contains('\r') {
        return Err(error(file, None, "has a \\r: line breaks are \\n"));
    }
    if lines == Lines::One && value.contains('\n') {
        return Err(error(file, Some(2), "expected one line"));
    }
    Ok(value.to_owned())
}

fn parse_request(dir: &Path, body: Vec<u8>) -> Result<Request, LoadError> {
    let file = dir.join("request");
    let text = read_value(&file, Lines::Many)?;
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or_default();
    let Some((method, target)) = first.split_once(' ') else {
        return Err(error(&file, Some(1), "expected `METHOD TARGET`"));
    };
    if method.is_empty() || !method.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return Err(error(
            &file,
            Some(1),
            format!("method {method:?} is not upper-case letters"),
        ));
    }
    if !target.starts_with('/') || target.contains(' ') {
        return Err(error(
            &file,
            Some(1),
            format!("target {target:?} must start with / and hold no space"),
        ));
    }
    let mut headers = Vec::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let Some((name, value)) = line.split_once(':') else {
            return Err(error(
                &file,
                Some(number),
                "expected a `name:value` header (the body goes in the file `body`)",
            ));
        };
        if name.is_empty() || name.bytes().any(|byte| !byte.is_ascii_graphic()) {
            return Err(error(
                &file,
                Some(number),
                format!("header name {name:?} is empty or has blanks"),
            ));
        }
        headers.push((name.to_owned(), value.to_owned()));
    }
    let request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    };
    for required in ["host", "x-sdk-date"] {
        if request.header(required).is_none() {
            return Err(error(
                &file,
                None,
                format!("no {required} header (every case is signed with one)"),
            ));
        }
    }
    Ok(request)
}

fn parse_credentials(file: &Path) -> Result<(String, String), LoadError> {
    let text = read_value(file, Lines::Many)?;
    let (mut access_key, mut secret_key) = (None, None);
    for (index, line) in text.split('\n').enumerate() {
        let number = Some(index + 1);
        let slot = match line.split_once(':') {
            Some(("access-key", value)) => (&mut access_key, value),
            Some(("secret-key", value)) => (&mut secret_key, value),
            _ => {
                return Err(error(
                    file,
                    number,
                    "expected `access-key:<AK>` or `secret-key:<SK>`",
                ));
            }
        };
        if slot.1.is_empty() {
            return Err(error(file, number, "empty key"));
        }
        if slot.0.replace(slot.1.to_owned()).is_some() {
            return Err(error(file, number, "given twice"));
        }
    }
    match (access_key, secret_key) {
        (Some(access_key), Some(secret_key)) => Ok((access_key, secret_key)),
        (None, _) => Err(error(file, None, "no access-key line")),
        (_, None) => Err(error(file, None, "no secret-key line")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases this folder held when the loader was written; one may be added, none
    /// silently lost.
    const AT_LEAST: usize = 12;

    #[test]
    fn the_folder_holds_every_case() {
        let cases = load_all().unwrap();
        assert!(
            cases.len() >= AT_LEAST,
            "{} cases, expected at least {AT_LEAST}",
            cases.len()
        );
        let names: Vec<&str> = cases.iter().map(|case| case.name.as_str()).collect();
        // Huawei's own vectors (the Python SDK core tests) are among them.
        for published in ["get-published", "post-published"] {
            assert!(names.contains(&published), "{names:?}");
        }
    }

    #[test]
    fn requests_are_taken_verbatim() {
        let cases = load_all().unwrap();
        let case = |name: &str| cases.iter().find(|case| case.name == name).unwrap();

        let padded = &case("headers-unsorted-padded").request;
        assert_eq!(padded.method, "POST");
        assert_eq!(padded.path(), "/v2/p");
        assert_eq!(padded.query(), None);
        assert_eq!(
            padded.headers[0],
            ("X-Project-Id".to_owned(), "  p1  ".to_owned())
        );
        assert_eq!(padded.header("x-project-id"), Some("  p1  "));
        assert!(padded.body.is_empty());

        let post = case("post-published");
        assert_eq!(post.request.body, br#"{"name":"test","id":1}"#);
        assert_eq!(post.request.query(), Some("size=1"));
        assert_eq!(
            (post.access_key.as_str(), post.secret_key.as_str()),
            ("AccessKey", "SecretKey")
        );
        assert_eq!(
            post.signature,
            "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
        );
        assert!(
            post.canonical_request.starts_with(
                "POST\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\n"
            ),
            "{}",
            post.canonical_request
        );
        assert!(!post.authorization.ends_with('\n'));
    }

    /// A copy of a good case in a scratch folder, with `file` replaced by `content`
    /// (or removed when `None`).
    fn broken(file: &str, content: Option<&str>) -> (tempfile::TempDir, PathBuf) {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().join("case");
        std::fs::create_dir(&dir).unwrap();
        let good = vectors_dir().join("post-published");
        for name in FILES {
            if good.join(name).exists() {
                std::fs::copy(good.join(name), dir.join(name)).unwrap();
            }
        }
        match content {
            Some(content) => std::fs::write(dir.join(file), content).unwrap(),
            None => std::fs::remove_file(dir.join(file)).unwrap(),
        }
        (scratch, dir)
    }

    #[test]
    fn a_malformed_case_is_refused_with_its_file_named() {
        for (file, content, line, reason) in [
            (
                "request",
                Some("GET\nhost:h\nx-sdk-date:20200608T023900Z\n"),
                Some(1),
                "expected `METHOD TARGET`",
            ),
            (
                "request",
                Some("GET /\nhost:h\n\nx-sdk-date:20200608T023900Z\n"),
                Some(3),
                "expected a `name:value` header (the body goes in the file `body`)",
            ),
            (
                "request",
                Some("GET /\nhost:h\n"),
                None,
                "no x-sdk-date header (every case is signed with one)",
            ),
            (
                "credentials",
                Some("access-key:AK\n"),
                None,
                "no secret-key line",
            ),
            (
                "credentials",
                Some("access-key:AK\nsecret:SK\n"),
                Some(2),
                "expected `access-key:<AK>` or `secret-key:<SK>`",
            ),
            (
                "signature",
                Some("436B1AC0A1AE03705934BB70EF2F2E09F7BFED2117D731A38235053199323A1F\n"),
                Some(1),
                "expected 64 lower-case hex digits",
            ),
            ("authorization", Some("\n"), None, "empty"),
            (
                "string-to-sign",
                Some("SDK-HMAC-SHA256\r\nx\n"),
                None,
                "has a \\r: line breaks are \\n",
            ),
            (
                "signatures",
                Some("00\n"),
                None,
                "not a case file (expected request, body, credentials, canonical-request, string-to-sign, signature, authorization)",
            ),
        ] {
            let (_scratch, dir) = broken(file, content);
            let refused = load_case(&dir).unwrap_err();
            assert_eq!(
                refused,
                LoadError {
                    file: dir.join(file),
                    line,
                    reason: reason.to_owned()
                },
                "{file}: {content:?}"
            );
            assert!(
                refused
                    .to_string()
                    .starts_with(&dir.join(file).display().to_string())
            );
        }
        for required in ["request", "credentials", "canonical-request", "signature"] {
            let (_scratch, dir) = broken(required, None);
            assert_eq!(load_case(&dir).unwrap_err().file, dir.join(required));
        }
        // The body is optional: without it the body is empty.
        let (_scratch, dir) = broken("body", None);
        assert!(load_case(&dir).unwrap().request.body.is_empty());
    }
}
