//! Injected faults: what the mock does instead of answering normally.
//!
//! Written as directives separated by `;`, in the mock-only request header
//! [`FAULT_HEADER`] or the `--fault` option: `status=503`, `delay=250ms` (or `2s`),
//! `malformed-json`, `html`, `drop-connection`. A delay combines with any other
//! directive; of the others at most one may be given. A fault other than a delay
//! replaces the answer, so no order is recorded.

use std::time::Duration;

/// The mock-only request header that injects a fault into one request.
pub const FAULT_HEADER: &str = "x-mock-fault";

/// The longest delay accepted, so a typo cannot hang a test run.
pub const MAX_DELAY: Duration = Duration::from_secs(120);

/// The answer an injected fault gives instead of the normal one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The error status with the operation's error body for it.
    Status(u16),
    /// A `200 OK` whose JSON body is cut short.
    MalformedJson,
    /// A gateway's HTML error page (`502`, or the `status=` given with it).
    Html(u16),
    /// The connection is closed without an answer.
    DropConnection,
}

/// A parsed fault: an optional delay, then an optional replacement answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fault {
    /// Wait this long before answering (or before closing the connection).
    pub delay: Option<Duration>,
    /// What to answer instead of the normal answer.
    pub outcome: Option<Outcome>,
}

/// A directive that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fault {directive:?}: {message}")]
pub struct FaultError {
    /// The offending directive.
    pub directive: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::str::FromStr for Fault {
    type Err = FaultError;

    fn from_str(text: &str) -> Result<Self, FaultError> {
        let mut fault = Fault::default();
        let mut status = None;
        let mut html = false;
        for directive in text
            .split(';')
            .map(str::trim)
            .filter(|part| !part.is_empty())
        {
            let error = |message: &str| FaultError {
                directive: directive.to_owned(),
                message: message.to_owned(),
            };
            let (name, value) = match directive.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (directive, None),
            };
            let outcome = match (name, value) {
                ("delay", Some(value)) => {
                    if fault
                        .delay
                        .replace(parse_delay(value).map_err(|message| error(&message))?)
                        .is_some()
                    {
                        return Err(error("delay given twice"));
                    }
                    continue;
                }
                ("status", Some(value)) => {
                    let code = value
                        .parse::<u16>()
                        .ok()
                        .filter(|code| (400..=599).contains(code))
                        .ok_or_else(|| error("the status must be an error status, 400 to 599"))?;
                    if status.replace(code).is_some() {
                        return Err(error("status given twice"));
                    }
                    continue;
                }
                ("html", None) => {
                    html = true;
                    continue;
                }
                ("malformed-json", None) => Outcome::MalformedJson,
                ("drop-connection", None) => Outcome::DropConnection,
                _ => {
                    return Err(error(
                        "expected status=<400-599>, delay=<n>ms|<n>s, malformed-json, html or drop-connection",
                    ));
                }
            };
            if fault.outcome.replace(outcome).is_some() {
                return Err(error(
                    "only one of status, malformed-json, html, drop-connection may be given",
                ));
            }
        }
        let combined = match (html, status, fault.outcome) {
            (true, _, Some(_)) | (false, Some(_), Some(_)) => {
                return Err(FaultError {
                    directive: text.to_owned(),
                    message: "only one of status, malformed-json, html, drop-connection may be given (status may qualify html)".into(),
                });
            }
            (true, status, None) => Some(Outcome::Html(status.unwrap_or(502))),
            (false, Some(code), None) => Some(Outcome::Status(code)),
            (false, None, outcome) => outcome,
        };
        fault.outcome = combined;
        Ok(fault)
    }
}

/// The directives, as they would be written (`delay=250ms; status=503`); parses back
/// to the same fault.
impl std::fmt::Display for Fault {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut directives = Vec::new();
        if let Some(delay) = self.delay {
            directives.push(if delay.subsec_millis() == 0 {
                format!("delay={}s", delay.as_secs())
            } else {
                format!("delay={}ms", delay.as_millis())
            });
        }
        match self.outcome {
            None => {}
            Some(Outcome::Status(code)) => directives.push(format!("status={code}")),
            Some(Outcome::MalformedJson) => directives.push("malformed-json".into()),
            Some(Outcome::Html(code)) => directives.push(format!("html; status={code}")),
            Some(Outcome::DropConnection) => directives.push("drop-connection".into()),
        }
        formatter.write_str(&directives.join("; "))
    }
}

impl Fault {
    /// Whether it changes anything (a delay or another answer).
    pub fn is_active(&self) -> bool {
        self.delay.is_some() || self.outcome.is_some()
    }
}

fn parse_delay(value: &str) -> Result<Duration, String> {
    let (number, unit) = if let Some(number) = value.strip_suffix("ms") {
        (number, Duration::from_millis(1))
    } else if let Some(number) = value.strip_suffix('s') {
        (number, Duration::from_secs(1))
    } else {
        return Err("a delay needs a unit: 250ms or 2s".into());
    };
    let count: u32 = number
        .trim()
        .parse()
        .map_err(|_| "a delay is a whole number of ms or s".to_owned())?;
    let delay = unit * count;
    if delay > MAX_DELAY {
        return Err(format!("a delay is at most {}s", MAX_DELAY.as_secs()));
    }
    Ok(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Fault, FaultError> {
        text.parse()
    }

    #[test]
    fn directives() {
        assert_eq!(
            parse("status=503").unwrap().outcome,
            Some(Outcome::Status(503))
        );
        assert_eq!(parse("html").unwrap().outcome, Some(Outcome::Html(502)));
        assert_eq!(
            parse("html; status=504").unwrap().outcome,
            Some(Outcome::Html(504))
        );
        assert_eq!(
            parse("malformed-json").unwrap().outcome,
            Some(Outcome::MalformedJson)
        );
        assert_eq!(
            parse("drop-connection").unwrap().outcome,
            Some(Outcome::DropConnection)
        );
        let delayed = parse("delay=250ms;status=409").unwrap();
        assert_eq!(delayed.delay, Some(Duration::from_millis(250)));
        assert_eq!(delayed.outcome, Some(Outcome::Status(409)));
        assert_eq!(
            parse("delay=2s").unwrap(),
            Fault {
                delay: Some(Duration::from_secs(2)),
                outcome: None
            }
        );
        assert_eq!(parse("").unwrap(), Fault::default());
    }

    #[test]
    fn faults_print_as_the_directives_that_parse_back_to_them() {
        for text in [
            "status=503",
            "delay=2s",
            "delay=250ms; malformed-json",
            "html; status=504",
            "delay=1500ms; drop-connection",
        ] {
            let fault = parse(text).unwrap();
            assert_eq!(fault.to_string(), text);
            assert_eq!(parse(&fault.to_string()), Ok(fault));
            assert!(fault.is_active());
        }
        assert_eq!(Fault::default().to_string(), "");
        assert!(!Fault::default().is_active());
    }

    #[test]
    fn mistakes_are_named() {
        for (text, expected) in [
            ("status=200", "400 to 599"),
            ("status=abc", "400 to 599"),
            ("delay=5", "unit"),
            ("delay=500s", "at most"),
            ("delay=-1ms", "whole number"),
            ("explode", "expected"),
            ("html;malformed-json", "only one"),
            ("status=500;drop-connection", "only one"),
            ("status=500;status=503", "twice"),
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
