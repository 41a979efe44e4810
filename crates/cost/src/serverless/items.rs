//! The sizes of the items the processor writes to DynamoDB, and the write units they cost per event. The body
//! itself is stored in S3 (see [`super::usage`]); the tables hold only its key and the delivery's metadata.

use super::input::ServerlessInput;

impl ServerlessInput {
    /// KB DynamoDB adds to every stored item for its indexes (100 bytes), counted in storage, not in write units.
    pub const ITEM_OVERHEAD_KB: f64 = 0.1;

    /// KB of one idempotency record: the key (function name and a 32-character hash), the status, two expiry
    /// times and the handler's short result (about 60 bytes of JSON): an assumption, about 0.2 KB.
    pub const IDEMPOTENCY_RECORD_KB: f64 = 0.2;

    /// KB of one event record: the body's S3 key, delivery id, source, event type, timestamps, status and its
    /// expiry, measured by the generated project's tests/test_storage.py at 0.32 KB.
    pub const EVENT_RECORD_KB: f64 = 0.32;

    /// KB of one state item (the newest version applied per object), measured at 0.14 KB.
    pub const STATE_ITEM_KB: f64 = 0.14;

    /// Write units a transaction bills per KB (rounded up) of each item it writes: twice a plain write's.
    pub const TRANSACTION_UNITS_PER_KB: f64 = 2.0;

    /// Writes of the Powertools idempotency record, 1 write unit each: put when processing starts (INPROGRESS),
    /// updated when it completes (COMPLETED, with the small result).
    pub const IDEMPOTENCY_WRITES_PER_EVENT: f64 = 2.0;

    /// DynamoDB write units per applied delivery when the input does not give them: one transaction of the event
    /// record ([`Self::EVENT_RECORD_KB`], under 1 KB: 2 units) and the state item ([`Self::STATE_ITEM_KB`]: 2
    /// units), plus the idempotency record's put and update (1 unit each). A sender whose bodies carry a guard
    /// item in the same transaction (GitHub) adds 2 units, given through `write_units_per_event`.
    pub fn derived_write_units() -> f64 {
        let transaction_items = [Self::EVENT_RECORD_KB, Self::STATE_ITEM_KB];
        transaction_items
            .iter()
            .map(|kb| kb.ceil() * Self::TRANSACTION_UNITS_PER_KB)
            .sum::<f64>()
            + Self::IDEMPOTENCY_WRITES_PER_EVENT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Values;

    #[test]
    fn write_units_follow_the_measured_item_sizes_worked_by_hand() {
        // Event record 0.32 KB -> 1 KB x 2 (transaction) = 2; state item 0.14 KB -> 2; idempotency put 1 + update
        // 1 -> 6, whatever the payload (the body is in S3).
        assert_eq!(ServerlessInput::derived_write_units(), 6.0);
        let mut v = Values::new();
        v.set("payload_kb", 256.0);
        assert_eq!(
            ServerlessInput::from_values(&v)
                .unwrap()
                .write_units_per_event,
            6.0
        );
        // Given (GitHub: + a 0.14 KB guard in the transaction, 2 more -> 8), the input wins.
        v.set("write_units_per_event", 8.0);
        assert_eq!(
            ServerlessInput::from_values(&v)
                .unwrap()
                .write_units_per_event,
            8.0
        );
        assert_eq!(
            ServerlessInput::default().write_units_per_event,
            ServerlessInput::derived_write_units()
        );
        // The idempotency record stays under 1 KB, so each of its writes is one unit.
        const {
            assert!(
                ServerlessInput::IDEMPOTENCY_RECORD_KB + ServerlessInput::ITEM_OVERHEAD_KB < 1.0
            )
        };
    }
}
