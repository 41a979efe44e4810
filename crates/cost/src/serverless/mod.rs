//! Monthly cost of a serverless webhook system: HTTP API -> ingest function -> SQS -> processor function ->
//! DynamoDB, with the bodies in S3, CloudWatch Logs and X-Ray. The model `serverless`.
//!
//! Every line item is quantity x price. The quantities follow the shape of the system: one API request and one
//! ingest invocation per event, one processor invocation per batch, one SQS send per event plus one receive and one
//! delete per batch (the queue carries only the body's S3 key), one S3 PUT and GET per body ([`s3`]), DynamoDB
//! write units from the item sizes, log bytes per event,
//! and X-Ray traces under Lambda's default sampling. The fixed items ([`fixed`]) follow the stack, not the events:
//! stored tables and their recovery backups, the KMS key, secrets, alarms and dashboards. Free tiers are computed
//! apart: they belong to the account, not to one project. [`limits`] sizes the throttle, the processor's
//! concurrency and a budget from the same workload, and [`sensitivity`] ranks the inputs by how far a tenth more
//! of each moves the bill.
//!
//! [`input`] is what the model reads, [`items`] the sizes of the items it writes, [`usage`] the billed quantities it implies, [`estimate`] the priced month.

/// The model's name, as a kind's `[cost] model` gives it.
pub const NAME: &str = "serverless";

pub mod choice;
pub mod estimate;
pub mod fixed;
pub mod input;
pub mod inputs;
pub mod items;
pub mod limits;
pub mod s3;
pub mod sensitivity;
pub mod usage;

pub use estimate::{MOVING_KEYS, ServerlessEstimate, at_volumes, estimate, price_keys};
pub use fixed::STANDING_KEYS;
pub use input::{ApiKind, Arch, DERIVED_INPUTS, INPUTS, QueueKind, ServerlessInput};
pub use limits::{Limits, QuotaWarning, quota_warnings};
pub use sensitivity::{Sensitivity, sensitivity};
pub use usage::Usage;
