//! The orders the mock accepted, and their ids.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::auth::Principal;

/// An order the mock accepted and answered `200` for.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedOrder {
    /// The `order_id` returned.
    pub order_id: String,
    /// The operation (`createPeriodicOrder`).
    pub operation_id: String,
    /// The `{project_id}` of the path.
    pub project_id: String,
    /// Who placed it.
    pub principal: Principal,
    /// The request body, parsed.
    pub body: Value,
}

/// Digits and uppercase letters, as in the documented ids (`CS23060117315YQ6Z`).
const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Characters after the timestamp; a sequence number, so ids never repeat.
const SEQUENCE_WIDTH: usize = 5;

/// Accepted orders, in the order they were accepted; each recorded exactly once.
#[derive(Debug, Default)]
pub struct Ledger {
    sequence: AtomicU64,
    orders: Mutex<Vec<AcceptedOrder>>,
}

impl Ledger {
    /// A new order id: `CS` + `yyMMddHHmm` (UTC) + a base-36 sequence number (5
    /// characters, more once they run out), unique for this ledger.
    pub fn next_order_id(&self, now: OffsetDateTime) -> String {
        let mut sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let stamp = now
            .format(format_description!(
                "[year repr:last_two][month][day][hour][minute]"
            ))
            .unwrap_or_default();
        let mut digits = Vec::new();
        while sequence > 0 || digits.len() < SEQUENCE_WIDTH {
            digits.push(ALPHABET[(sequence % 36) as usize] as char);
            sequence /= 36;
        }
        digits.reverse();
        format!("CS{stamp}{}", digits.into_iter().collect::<String>())
    }

    /// Records an accepted order.
    pub fn record(&self, order: AcceptedOrder) {
        self.lock().push(order);
    }

    /// Every accepted order so far.
    pub fn snapshot(&self) -> Vec<AcceptedOrder> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<AcceptedOrder>> {
        // A panic elsewhere while holding the lock leaves the Vec intact; keep serving.
        self.orders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use time::macros::datetime;

    #[test]
    fn ids_have_the_documented_shape_and_never_repeat() {
        let ledger = Ledger::default();
        let now = datetime!(2023-06-01 17:31:00 UTC);
        assert_eq!(ledger.next_order_id(now), "CS230601173100000");
        let ids: HashSet<String> = (0..50_000).map(|_| ledger.next_order_id(now)).collect();
        assert_eq!(ids.len(), 50_000);
        for id in &ids {
            assert_eq!(id.len(), 17, "{id}");
            assert!(id.starts_with("CS2306011731"));
            assert!(id.bytes().all(|byte| ALPHABET.contains(&byte)), "{id}");
        }
    }

    #[test]
    fn sequences_beyond_five_characters_grow_the_id() {
        let ledger = Ledger::default();
        ledger.sequence.store(36_u64.pow(5), Ordering::Relaxed);
        let now = datetime!(2023-06-01 17:31:00 UTC);
        assert_eq!(ledger.next_order_id(now), "CS2306011731100000");
    }
}
