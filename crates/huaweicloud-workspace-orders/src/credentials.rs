//! Who the client is: an IAM token, a permanent AK/SK pair or a temporary AK/SK
//! pair with its security token, plus an optional default project id.
//!
//! Secrets are held in [`Secret`], whose `Debug` prints `<redacted>` and which has no
//! `Display`; errors name the offending setting, never its value.
//!
//! ```
//! use huaweicloud_workspace_orders::credentials::Credentials;
//!
//! let credentials = Credentials::access_key("AKEXAMPLE", "secret-example")?
//!     .with_project_id("0123456789abcdef0123456789abcdef")?;
//! assert!(!format!("{credentials:?}").contains("secret-example"));
//! # Ok::<(), huaweicloud_workspace_orders::credentials::CredentialsError>(())
//! ```

use std::ffi::OsString;
use std::fmt;

/// The official SDKs' environment variable for the access key id.
pub const ENV_ACCESS_KEY: &str = "HUAWEICLOUD_SDK_AK";
/// The official SDKs' environment variable for the secret access key.
pub const ENV_SECRET_KEY: &str = "HUAWEICLOUD_SDK_SK";
/// The official SDKs' environment variable for a temporary key's security token.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// The official SDKs' environment variable for the project id.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";

/// A secret string: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for signing or a header value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How requests are authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// An IAM user token, sent as `X-Auth-Token`.
    IamToken(Secret),
    /// An access key pair; requests are signed with `SDK-HMAC-SHA256`. A temporary
    /// pair also sends its `security_token` as `X-Security-Token`.
    AccessKey {
        /// The access key id (not secret: it is sent in every `Authorization` header).
        access_key: String,
        /// The secret access key.
        secret_key: Secret,
        /// The security token of a temporary key pair.
        security_token: Option<Secret>,
    },
}

/// Credentials and the default project id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    auth: Auth,
    project_id: Option<String>,
}

/// Why credentials were refused: names the setting (an environment variable or an
/// argument), never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    setting: String,
    problem: String,
}

impl std::fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for CredentialsError {}

impl CredentialsError {
    fn new(setting: &str, problem: impl Into<String>) -> Self {
        Self {
            setting: setting.to_owned(),
            problem: problem.into(),
        }
    }

    /// The environment variable or argument at fault.
    pub fn setting(&self) -> &str {
        &self.setting
    }
}

impl Credentials {
    /// An IAM user token (the `X-Subject-Token` the IAM token API returns).
    pub fn iam_token(token: impl Into<String>) -> Result<Self, CredentialsError> {
        let token = header_secret("IAM token", token.into())?;
        Ok(Self {
            auth: Auth::IamToken(token),
            project_id: None,
        })
    }

    /// A permanent access key pair.
    pub fn access_key(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        Ok(Self {
            auth: Auth::AccessKey {
                access_key: access_key_id("access key", access_key.into())?,
                secret_key: secret_key_value("secret key", secret_key.into())?,
                security_token: None,
            },
            project_id: None,
        })
    }

    /// A temporary access key pair and its security token.
    pub fn temporary_access_key(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        Ok(Self {
            auth: Auth::AccessKey {
                access_key: access_key_id("access key", access_key.into())?,
                secret_key: secret_key_value("secret key", secret_key.into())?,
                security_token: Some(header_secret("security token", security_token.into())?),
            },
            project_id: None,
        })
    }

    /// Sets the project id used when a call does not name one.
    pub fn with_project_id(self, project_id: impl Into<String>) -> Result<Self, CredentialsError> {
        Ok(Self {
            project_id: Some(validate_project_id("project id", project_id.into())?),
            ..self
        })
    }

    /// Loads AK/SK credentials from the official SDK variables
    /// [`HUAWEICLOUD_SDK_AK`](ENV_ACCESS_KEY), [`HUAWEICLOUD_SDK_SK`](ENV_SECRET_KEY),
    /// optionally [`HUAWEICLOUD_SDK_SECURITY_TOKEN`](ENV_SECURITY_TOKEN) (temporary keys)
    /// and [`HUAWEICLOUD_SDK_PROJECT_ID`](ENV_PROJECT_ID).
    ///
    /// The official SDKs define no variable for an IAM token, so neither does this;
    /// use [`Credentials::iam_token`].
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// [`Credentials::from_env`] reading variables through `lookup` (for tests, or a
    /// configuration source of the same shape).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Self, CredentialsError> {
        let read = |name: &str| -> Result<Option<String>, CredentialsError> {
            match lookup(name) {
                None => Ok(None),
                Some(value) => value
                    .into_string()
                    .map(Some)
                    .map_err(|_| CredentialsError::new(name, "is not valid UTF-8")),
            }
        };
        let access_key = read(ENV_ACCESS_KEY)?;
        let secret_key = read(ENV_SECRET_KEY)?;
        let security_token = read(ENV_SECURITY_TOKEN)?;
        let project_id = read(ENV_PROJECT_ID)?;

        let (access_key, secret_key) = match (access_key, secret_key) {
            (Some(access_key), Some(secret_key)) => (
                access_key_id(ENV_ACCESS_KEY, access_key)?,
                secret_key_value(ENV_SECRET_KEY, secret_key)?,
            ),
            (Some(_), None) => {
                return Err(CredentialsError::new(
                    ENV_SECRET_KEY,
                    format!("is not set, but {ENV_ACCESS_KEY} is"),
                ));
            }
            (None, Some(_)) => {
                return Err(CredentialsError::new(
                    ENV_ACCESS_KEY,
                    format!("is not set, but {ENV_SECRET_KEY} is"),
                ));
            }
            (None, None) => {
                return Err(CredentialsError::new(
                    ENV_ACCESS_KEY,
                    format!("is not set (set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY})"),
                ));
            }
        };
        let security_token = security_token
            .map(|token| header_secret(ENV_SECURITY_TOKEN, token))
            .transpose()?;
        let project_id = project_id
            .map(|id| validate_project_id(ENV_PROJECT_ID, id))
            .transpose()?;
        Ok(Self {
            auth: Auth::AccessKey {
                access_key,
                secret_key,
                security_token,
            },
            project_id,
        })
    }

    /// How requests are authenticated.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The default project id, if one was given.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }
}

/// Checks a project id: it fills a path segment and the `X-Project-Id` header, so it
/// is limited to ASCII letters, digits, `-` and `_` (Huawei's are 32 hex digits).
pub fn validate_project_id(setting: &str, value: String) -> Result<String, CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::new(setting, "is empty"));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(CredentialsError::new(
            setting,
            format!("contains {bad:?}; a project id has only ASCII letters, digits, '-' and '_'"),
        ));
    }
    Ok(value)
}

/// The access key id goes into `Authorization: ... Access=<AK>, ...`, so separators
/// and spaces would corrupt the header.
fn access_key_id(setting: &str, value: String) -> Result<String, CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::new(setting, "is empty"));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(CredentialsError::new(
            setting,
            "must contain only ASCII letters, digits, '-' and '_'",
        ));
    }
    Ok(value)
}

/// The secret key is only an HMAC key; surrounding whitespace is a copy-paste
/// mistake that would make every signature wrong.
fn secret_key_value(setting: &str, value: String) -> Result<Secret, CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::new(setting, "is empty"));
    }
    if value.trim() != value {
        return Err(CredentialsError::new(
            setting,
            "has leading or trailing whitespace",
        ));
    }
    Ok(Secret(value))
}

/// Tokens travel as header values: visible ASCII only.
fn header_secret(setting: &str, value: String) -> Result<Secret, CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::new(setting, "is empty"));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CredentialsError::new(
            setting,
            "must contain only visible ASCII characters (no spaces or line breaks)",
        ));
    }
    Ok(Secret(value))
}
