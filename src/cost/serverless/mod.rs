//! Monthly cost of a serverless webhook system: HTTP API -> ingest function -> SQS -> processor function ->
//! DynamoDB, with CloudWatch Logs and X-Ray. The model `serverless`.
//!
//! Every line item is quantity x price. The quantities follow the shape of the system: one API request and one
//! ingest invocation per event, one processor invocation per batch, one SQS send per event plus one receive and one
//! delete per batch (each billed per 64 KB chunk), a fixed number of DynamoDB request units per event, and log
//! bytes per event. Free tiers are computed apart: they belong to the account, not to one project.
//!
//! [`input`] is what the model reads, [`usage`] the billed quantities it implies, [`estimate`] the priced month.

pub mod estimate;
pub mod input;
pub mod usage;

pub use estimate::{MOVING_KEYS, ServerlessEstimate, at_volumes, estimate, price_keys};
pub use input::{ApiKind, Arch, DERIVED_INPUTS, INPUTS, QueueKind, ServerlessInput};
pub use usage::Usage;
