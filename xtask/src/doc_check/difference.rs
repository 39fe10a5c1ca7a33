//! What doc-check reports: a difference between a page and the spec, of one
//! of a fixed set of kinds that ERRATA entries name.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    MissingInSpec,
    ExtraInSpec,
    RequiredDiffers,
    TypeDiffers,
    StatusMissing,
    StatusExtra,
    ResponseFieldMissing,
    ResponseFieldExtra,
    ExampleMissing,
    ExampleInvalid,
    RuleSourceMissing,
    RuleUnstated,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::MissingInSpec,
        Kind::ExtraInSpec,
        Kind::RequiredDiffers,
        Kind::TypeDiffers,
        Kind::StatusMissing,
        Kind::StatusExtra,
        Kind::ResponseFieldMissing,
        Kind::ResponseFieldExtra,
        Kind::ExampleMissing,
        Kind::ExampleInvalid,
        Kind::RuleSourceMissing,
        Kind::RuleUnstated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MissingInSpec => "missing-in-spec",
            Kind::ExtraInSpec => "extra-in-spec",
            Kind::RequiredDiffers => "required-differs",
            Kind::TypeDiffers => "type-differs",
            Kind::StatusMissing => "status-missing",
            Kind::StatusExtra => "status-extra",
            Kind::ResponseFieldMissing => "response-field-missing",
            Kind::ResponseFieldExtra => "response-field-extra",
            Kind::ExampleMissing => "example-missing",
            Kind::ExampleInvalid => "example-invalid",
            Kind::RuleSourceMissing => "rule-source-missing",
            Kind::RuleUnstated => "rule-unstated",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between a page and the spec.
#[derive(Debug, Clone)]
pub struct Difference {
    pub kind: Kind,
    /// `resources[].period_type`, `status.409`, `response.400.error_detail`, `example.1`.
    pub path: String,
    /// Where on the page: `Table 6 CreateServices`, `Status Codes`, `Example Requests`.
    pub table: String,
    /// What each side says.
    pub detail: String,
}
