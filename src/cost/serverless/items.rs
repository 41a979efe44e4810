//! The sizes of the items the processor writes to DynamoDB, and the write units they cost per event.

use super::input::ServerlessInput;

impl ServerlessInput {
    /// KB DynamoDB adds to every stored item for its indexes (100 bytes), counted in storage, not in write units.
    pub const ITEM_OVERHEAD_KB: f64 = 0.1;

    /// KB of one idempotency record: the key (function name and a 32-character hash), the status, two expiry
    /// times and the handler's short result (about 60 bytes of JSON): an assumption, about 0.2 KB.
    pub const IDEMPOTENCY_RECORD_KB: f64 = 0.2;

    /// KB of attributes the events table item holds besides the payload (delivery id, source, event type,
    /// timestamps, status): an assumption, about 0.3 KB.
    pub const EVENT_ATTRIBUTES_KB: f64 = 0.3;

    /// KB of one state item, the newest version applied per object: the object key (the sender's id of the
    /// object, at most 512 characters, longer keys hashed), the version, its source, the delivery id and the event
    /// type: an assumption, under 1 KB.
    pub const STATE_ITEM_KB: f64 = 0.3;

    /// Writes of under 1 KB each event makes besides its event item, 1 write unit each: the idempotency record put
    /// when processing starts (status INPROGRESS), the same record updated when it completes (status COMPLETED,
    /// with the small result), and the state item put "only if newer" (a conditional put, billed even when its
    /// condition fails and nothing is written).
    pub const SMALL_WRITES_PER_EVENT: f64 = 3.0;

    /// DynamoDB write units per event when the input does not give them. On-demand tables bill 1 write unit per
    /// 1 KB of item size, rounded up. Each event writes:
    /// - the event item (payload plus [`Self::EVENT_ATTRIBUTES_KB`]): `ceil(payload_kb + 0.3)` units;
    /// - the idempotency record, put when processing starts (status INPROGRESS): 1 unit;
    /// - the same record updated when processing completes (status COMPLETED, with the small result): 1 unit;
    /// - the object's state item, put only if the delivery is newer than the stored one: 1 unit, whether or not the
    ///   condition holds (DynamoDB bills a failed conditional write).
    ///
    /// The idempotency record ([`Self::IDEMPOTENCY_RECORD_KB`]) and the state item ([`Self::STATE_ITEM_KB`]) stay
    /// under 1 KB: [`Self::SMALL_WRITES_PER_EVENT`] units together.
    pub fn derived_write_units(payload_kb: f64) -> f64 {
        // The small epsilon keeps an item of exactly N KB at N units despite float sums (0.7 + 0.3).
        ((payload_kb + Self::EVENT_ATTRIBUTES_KB - 1e-9)
            .ceil()
            .max(1.0))
            + Self::SMALL_WRITES_PER_EVENT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Values;

    #[test]
    fn write_units_follow_the_item_sizes_worked_by_hand() {
        // 1 KB payload: event item 1 + 0.3 = 1.3 KB -> 2 units; idempotency put 1; update 1; state put 1 -> 5.
        assert_eq!(ServerlessInput::derived_write_units(1.0), 5.0);
        // 4 KB (the kind's default answer): 4.3 KB -> 5 units; + 1 + 1 + 1 -> 8.
        assert_eq!(ServerlessInput::derived_write_units(4.0), 8.0);
        // 0.7 KB: 0.7 + 0.3 = exactly 1 KB -> 1 unit; + 1 + 1 + 1 -> 4.
        assert_eq!(ServerlessInput::derived_write_units(0.7), 4.0);
        // 256 KB (the stack's body limit): 256.3 KB -> 257 units; + 1 + 1 + 1 -> 260.
        assert_eq!(ServerlessInput::derived_write_units(256.0), 260.0);
        // From values: no write units given, so the payload decides (4 KB -> 8); given, the input wins.
        let mut v = Values::new();
        v.set("payload_kb", 4.0);
        assert_eq!(
            ServerlessInput::from_values(&v)
                .unwrap()
                .write_units_per_event,
            8.0
        );
        v.set("write_units_per_event", 3.0);
        assert_eq!(
            ServerlessInput::from_values(&v)
                .unwrap()
                .write_units_per_event,
            3.0
        );
        // The default workload (1 KB) agrees with its own derivation.
        assert_eq!(
            ServerlessInput::default().write_units_per_event,
            ServerlessInput::derived_write_units(1.0)
        );
        // The small writes stay under 1 KB each, so each is one unit.
        const {
            assert!(
                ServerlessInput::IDEMPOTENCY_RECORD_KB + ServerlessInput::ITEM_OVERHEAD_KB < 1.0
            )
        };
        const { assert!(ServerlessInput::STATE_ITEM_KB + ServerlessInput::ITEM_OVERHEAD_KB < 1.0) };
    }
}
