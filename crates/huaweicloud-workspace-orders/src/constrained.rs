//! Values whose limits are checked when they are made.
//!
//! The spec states integer ranges (`minimum`, `maximum`, `multipleOf`) and
//! array sizes (`minItems`, `maxItems`) that the code generator would
//! otherwise drop. `cargo xtask generate` maps every such field to one of these
//! types, so an out-of-range disk size or a 101-desktop batch cannot be
//! constructed, deserialized or sent.
//!
//! ```
//! use huaweicloud_workspace_orders::constrained::BoundedInteger;
//!
//! type SystemDiskGb = BoundedInteger<80, 32760, 10>;
//! assert!(SystemDiskGb::try_from(80).is_ok());
//! let error = SystemDiskGb::try_from(85).unwrap_err();
//! assert_eq!(error.to_string(), "85 is not a multiple of 10");
//! ```

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError(String);

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConstraintError {}

/// An integer in `MIN..=MAX` that is a multiple of `STEP`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoundedInteger<const MIN: i64, const MAX: i64, const STEP: i64>(i64);

impl<const MIN: i64, const MAX: i64, const STEP: i64> BoundedInteger<MIN, MAX, STEP> {
    /// The smallest accepted value.
    pub const MIN: i64 = MIN;
    /// The largest accepted value.
    pub const MAX: i64 = MAX;
    /// Accepted values are multiples of this.
    pub const STEP: i64 = STEP;

    /// Checks `value` against the limits.
    pub fn new(value: i64) -> Result<Self, ConstraintError> {
        if value < MIN || value > MAX {
            let message = if MIN == i64::MIN {
                format!("{value} is above the maximum {MAX}")
            } else if MAX == i64::MAX {
                format!("{value} is below the minimum {MIN}")
            } else {
                format!("{value} is outside {MIN}..={MAX}")
            };
            return Err(ConstraintError(message));
        }
        if STEP > 1 && value % STEP != 0 {
            return Err(ConstraintError(format!(
                "{value} is not a multiple of {STEP}"
            )));
        }
        Ok(Self(value))
    }

    /// The value.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl<const MIN: i64, const MAX: i64, const STEP: i64> Deref for BoundedInteger<MIN, MAX, STEP> {
    type Target = i64;
    fn deref(&self) -> &i64 {
        &self.0
    }
}

impl<const MIN: i64, const MAX: i64, const STEP: i64> fmt::Debug
    for BoundedInteger<MIN, MAX, STEP>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MIN: i64, const MAX: i64, const STEP: i64> fmt::Display
    for BoundedInteger<MIN, MAX, STEP>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<const MIN: i64, const MAX: i64, const STEP: i64> From<BoundedInteger<MIN, MAX, STEP>> for i64 {
    fn from(value: BoundedInteger<MIN, MAX, STEP>) -> i64 {
        value.0
    }
}

// One source type only, so that an integer literal (`.size(80)`) infers as
// `i64` instead of being ambiguous between several `TryFrom` impls.
impl<const MIN: i64, const MAX: i64, const STEP: i64> TryFrom<i64>
    for BoundedInteger<MIN, MAX, STEP>
{
    type Error = ConstraintError;
    fn try_from(value: i64) -> Result<Self, ConstraintError> {
        Self::new(value)
    }
}

impl<const MIN: i64, const MAX: i64, const STEP: i64> std::str::FromStr
    for BoundedInteger<MIN, MAX, STEP>
{
    type Err = ConstraintError;
    fn from_str(s: &str) -> Result<Self, ConstraintError> {
        let value: i64 = s
            .parse()
            .map_err(|_| ConstraintError(format!("{s:?} is not an integer")))?;
        Self::new(value)
    }
}

impl<const MIN: i64, const MAX: i64, const STEP: i64> Serialize for BoundedInteger<MIN, MAX, STEP> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de, const MIN: i64, const MAX: i64, const STEP: i64> Deserialize<'de>
    for BoundedInteger<MIN, MAX, STEP>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl<const MIN: i64, const MAX: i64, const STEP: i64> schemars::JsonSchema
    for BoundedInteger<MIN, MAX, STEP>
{
    fn schema_name() -> String {
        format!("BoundedInteger_{MIN}_{MAX}_{STEP}")
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(Self::schema_name())
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        let format = if MIN >= i64::from(i32::MIN) && MAX <= i64::from(i32::MAX) {
            "int32"
        } else {
            "int64"
        };
        let limit = |value: i64, unbounded: i64| (value != unbounded).then_some(value as f64);
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::Integer.into()),
            format: Some(format.into()),
            number: Some(Box::new(schemars::schema::NumberValidation {
                minimum: limit(MIN, i64::MIN).filter(|_| MIN != i64::from(i32::MIN)),
                maximum: limit(MAX, i64::MAX).filter(|_| MAX != i64::from(i32::MAX)),
                multiple_of: (STEP > 1).then_some(STEP as f64),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

/// A list of `MIN..=MAX` items.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoundedVec<T, const MIN: usize, const MAX: usize>(Vec<T>);

impl<T, const MIN: usize, const MAX: usize> BoundedVec<T, MIN, MAX> {
    /// The fewest accepted items.
    pub const MIN: usize = MIN;
    /// The most accepted items.
    pub const MAX: usize = MAX;

    /// Checks the number of items.
    pub fn new(items: Vec<T>) -> Result<Self, ConstraintError> {
        let len = items.len();
        if len < MIN {
            return Err(ConstraintError(format!(
                "{len} item(s) given, at least {MIN} required"
            )));
        }
        if len > MAX {
            return Err(ConstraintError(format!(
                "{len} items given, at most {MAX} allowed"
            )));
        }
        Ok(Self(items))
    }

    /// The items.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> Deref for BoundedVec<T, MIN, MAX> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: fmt::Debug, const MIN: usize, const MAX: usize> fmt::Debug for BoundedVec<T, MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T: fmt::Debug, const MIN: usize, const MAX: usize> fmt::Display for BoundedVec<T, MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T, const MIN: usize, const MAX: usize> TryFrom<Vec<T>> for BoundedVec<T, MIN, MAX> {
    type Error = ConstraintError;
    fn try_from(items: Vec<T>) -> Result<Self, ConstraintError> {
        Self::new(items)
    }
}

impl<T, const MIN: usize, const MAX: usize> From<BoundedVec<T, MIN, MAX>> for Vec<T> {
    fn from(value: BoundedVec<T, MIN, MAX>) -> Vec<T> {
        value.0
    }
}

impl<T: Serialize, const MIN: usize, const MAX: usize> Serialize for BoundedVec<T, MIN, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>, const MIN: usize, const MAX: usize> Deserialize<'de>
    for BoundedVec<T, MIN, MAX>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        Self::new(items).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema, const MIN: usize, const MAX: usize> schemars::JsonSchema
    for BoundedVec<T, MIN, MAX>
{
    fn schema_name() -> String {
        format!("BoundedVec_{}_{MIN}_{MAX}", T::schema_name())
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(format!("BoundedVec<{}, {MIN}, {MAX}>", T::schema_id()))
    }

    fn is_referenceable() -> bool {
        false
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::Array.into()),
            array: Some(Box::new(schemars::schema::ArrayValidation {
                items: Some(generator.subschema_for::<T>().into()),
                min_items: (MIN > 0).then(|| u32::try_from(MIN).unwrap_or(u32::MAX)),
                max_items: (MAX != usize::MAX).then(|| u32::try_from(MAX).unwrap_or(u32::MAX)),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type DiskGb = BoundedInteger<10, 32760, 10>;
    type AtLeastOne = BoundedInteger<1, 2147483647, 1>;
    type Desktops = BoundedVec<u8, 1, 100>;

    #[test]
    fn integer_limits_and_multiples() {
        assert_eq!(DiskGb::try_from(10).map(BoundedInteger::get), Ok(10));
        assert_eq!(DiskGb::try_from(32760).map(BoundedInteger::get), Ok(32760));
        assert_eq!(
            DiskGb::try_from(0).unwrap_err().to_string(),
            "0 is outside 10..=32760"
        );
        assert_eq!(
            DiskGb::try_from(32770).unwrap_err().to_string(),
            "32770 is outside 10..=32760"
        );
        assert_eq!(
            DiskGb::try_from(85).unwrap_err().to_string(),
            "85 is not a multiple of 10"
        );
        assert_eq!(
            AtLeastOne::try_from(0).unwrap_err().to_string(),
            "0 is outside 1..=2147483647"
        );
    }

    #[test]
    fn integer_serde_round_trip_and_rejection() {
        let value: DiskGb = serde_json::from_str("80").unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), "80");
        let error = serde_json::from_str::<DiskGb>("85").unwrap_err();
        assert!(
            error.to_string().contains("85 is not a multiple of 10"),
            "{error}"
        );
        assert!(serde_json::from_str::<DiskGb>("\"80\"").is_err());
    }

    #[test]
    fn vec_sizes() {
        assert!(Desktops::try_from(vec![]).is_err());
        assert!(Desktops::try_from(vec![0; 1]).is_ok());
        assert!(Desktops::try_from(vec![0; 100]).is_ok());
        assert_eq!(
            Desktops::try_from(vec![0; 101]).unwrap_err().to_string(),
            "101 items given, at most 100 allowed"
        );
        let error = serde_json::from_str::<Desktops>("[]").unwrap_err();
        assert!(error.to_string().contains("at least 1 required"), "{error}");
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema_states_the_limits() {
        let schema = schemars::schema_for!(DiskGb);
        let json = serde_json::to_value(&schema.schema).unwrap();
        assert_eq!(json["minimum"], 10.0);
        assert_eq!(json["maximum"], 32760.0);
        assert_eq!(json["multipleOf"], 10.0);
        let schema = schemars::schema_for!(Desktops);
        let json = serde_json::to_value(&schema.schema).unwrap();
        assert_eq!(json["minItems"], 1);
        assert_eq!(json["maxItems"], 100);
    }
}
