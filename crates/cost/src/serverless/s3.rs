//! The payload bucket's line items: a PutObject per body at ingest, a GetObject per body in the processor, the
//! bodies kept `stored_months` months (large ones in Standard-IA after their first weeks) and the lifecycle
//! transitions that move them.

use super::input::ServerlessInput;
use super::usage::Usage;
use crate::{LineItem, Prices, format, item};

/// Price keys of the payload bucket.
pub const S3_PRICE_KEYS: [&str; 5] = [
    "s3_put_requests",
    "s3_get_requests",
    "s3_lifecycle_transitions",
    "s3_standard_storage",
    "s3_standard_ia_storage",
];

/// The bucket's requests and storage.
pub fn items(prices: &Prices, input: &ServerlessInput, u: &Usage) -> Vec<LineItem> {
    let c = format::count;
    let p = format::plain;
    let [put, get, transition, standard, ia] = S3_PRICE_KEYS.map(|k| prices.get(k));
    vec![
        item(
            "s3_requests",
            "S3 requests (payload bucket)",
            u.s3_puts + u.s3_gets + u.s3_transitions,
            "requests",
            put.cost(u.s3_puts) + get.cost(u.s3_gets) + transition.cost(u.s3_transitions),
            format!(
                "{} PUT x {} + {} GET x {} + {} transitions to Standard-IA (bodies over {} KB) x {}",
                c(u.s3_puts),
                put.describe(),
                c(u.s3_gets),
                get.describe(),
                c(u.s3_transitions),
                p(input.ia_min_object_kb),
                transition.describe()
            ),
        ),
        item(
            "s3_storage",
            "S3 storage (payload bucket)",
            u.s3_standard_gb + u.s3_ia_gb,
            "GB-months",
            standard.cost(u.s3_standard_gb) + ia.cost(u.s3_ia_gb),
            format!(
                "{} events x {} KB x {} months kept (Standard for the first {} days if over {} KB, then Standard-IA): {} GB Standard x {} + {} GB Standard-IA x {}",
                c(input.events_per_month as f64),
                p(input.payload_kb),
                p(input.stored_months),
                p(input.ia_after_days),
                p(input.ia_min_object_kb),
                p((u.s3_standard_gb * 1000.0).round() / 1000.0),
                standard.describe(),
                p((u.s3_ia_gb * 1000.0).round() / 1000.0),
                ia.describe()
            ),
        ),
    ]
}
