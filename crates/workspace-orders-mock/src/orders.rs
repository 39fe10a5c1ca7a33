//! The orders the mock accepted, and their ids.
//!
//! Only the most recent orders are kept (a bounded window) plus running totals, so a
//! mock that serves millions of orders keeps a flat memory footprint.

use std::collections::{BTreeMap, VecDeque};
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

/// How many accepted orders a mock keeps by default (about 3.4 KB each).
pub const DEFAULT_KEPT_ORDERS: usize = 1000;

/// Counts of every order accepted since the mock started, kept or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderTotals {
    /// Orders accepted.
    pub accepted: u64,
    /// Orders accepted per operation id (`createPeriodicOrder`).
    pub by_operation: BTreeMap<String, u64>,
    /// Orders accepted with an `X-Auth-Token`.
    pub by_token: u64,
    /// Orders accepted with an AK/SK signature.
    pub by_access_key: u64,
}

#[derive(Debug, Default)]
struct Record {
    recent: VecDeque<AcceptedOrder>,
    totals: OrderTotals,
}

/// Accepted orders: the last `capacity` of them, in the order they were accepted, each
/// recorded exactly once, and totals over all of them.
#[derive(Debug)]
pub struct Ledger {
    sequence: AtomicU64,
    capacity: usize,
    record: Mutex<Record>,
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new(DEFAULT_KEPT_ORDERS)
    }
}

impl Ledger {
    /// A ledger that keeps the last `capacity` orders (0 keeps none, only totals).
    pub fn new(capacity: usize) -> Self {
        Self {
            sequence: AtomicU64::new(0),
            capacity,
            record: Mutex::new(Record::default()),
        }
    }

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

    /// Records an accepted order, forgetting the oldest one kept if the window is full.
    pub fn record(&self, order: AcceptedOrder) {
        let mut record = self.lock();
        let totals = &mut record.totals;
        totals.accepted += 1;
        match order.principal {
            Principal::Token => totals.by_token += 1,
            Principal::AccessKey { .. } => totals.by_access_key += 1,
        }
        match totals.by_operation.get_mut(&order.operation_id) {
            Some(count) => *count += 1,
            None => {
                totals.by_operation.insert(order.operation_id.clone(), 1);
            }
        }
        if self.capacity == 0 {
            return;
        }
        if record.recent.len() == self.capacity {
            record.recent.pop_front();
        }
        record.recent.push_back(order);
    }

    /// The kept orders, oldest first.
    pub fn snapshot(&self) -> Vec<AcceptedOrder> {
        self.lock().recent.iter().cloned().collect()
    }

    /// Totals over every order accepted so far.
    pub fn totals(&self) -> OrderTotals {
        self.lock().totals.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        // A panic elsewhere while holding the lock leaves the record intact; keep serving.
        self.record
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

    fn order(index: usize, operation_id: &str, principal: Principal) -> AcceptedOrder {
        AcceptedOrder {
            order_id: format!("CS{index}"),
            operation_id: operation_id.into(),
            project_id: "p".into(),
            principal,
            body: Value::from(index),
        }
    }

    #[test]
    fn only_the_last_orders_are_kept_and_the_totals_count_all() {
        let ledger = Ledger::new(3);
        let key = Principal::AccessKey {
            access_key: "AK".into(),
            temporary: false,
        };
        for index in 0..10 {
            let (operation_id, principal) = if index % 5 == 0 {
                ("createAppOrder", key.clone())
            } else {
                ("createPeriodicOrder", Principal::Token)
            };
            ledger.record(order(index, operation_id, principal));
        }
        let kept: Vec<String> = ledger.snapshot().into_iter().map(|o| o.order_id).collect();
        assert_eq!(kept, ["CS7", "CS8", "CS9"]);
        assert_eq!(
            ledger.totals(),
            OrderTotals {
                accepted: 10,
                by_operation: BTreeMap::from([
                    ("createAppOrder".to_owned(), 2),
                    ("createPeriodicOrder".to_owned(), 8),
                ]),
                by_token: 8,
                by_access_key: 2,
            }
        );
        // The window holds its size however many orders pass through it.
        for index in 10..5000 {
            ledger.record(order(index, "createPeriodicOrder", Principal::Token));
        }
        assert_eq!(ledger.snapshot().len(), 3);
        let allocated = ledger.lock().recent.capacity();
        assert!(allocated < 64, "the window allocated {allocated} slots");
        assert_eq!(ledger.totals().accepted, 5000);
    }

    #[test]
    fn a_window_of_zero_keeps_only_totals() {
        let ledger = Ledger::new(0);
        ledger.record(order(0, "createAppOrder", Principal::Token));
        assert!(ledger.snapshot().is_empty());
        assert_eq!(ledger.totals().accepted, 1);
    }

    #[test]
    fn sequences_beyond_five_characters_grow_the_id() {
        let ledger = Ledger::default();
        ledger.sequence.store(36_u64.pow(5), Ordering::Relaxed);
        let now = datetime!(2023-06-01 17:31:00 UTC);
        assert_eq!(ledger.next_order_id(now), "CS2306011731100000");
    }
}
