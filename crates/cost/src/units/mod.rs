//! The engine's built-in cost models, each one unit in its own module. Adding one is a module here and its line
//! in [`built_in`].

mod kubernetes;
mod serverless;

pub use kubernetes::Kubernetes;
pub use serverless::Serverless;

use std::sync::Arc;

use crate::unit::CostModel;

/// Every built-in model, in the order their names are listed.
pub fn built_in() -> Vec<Arc<dyn CostModel>> {
    vec![Arc::new(Serverless), Arc::new(Kubernetes)]
}
