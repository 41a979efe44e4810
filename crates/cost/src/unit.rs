//! What a cost model is to the rest of the engine: one unit that names itself, says what it prices, declares its
//! inputs and their defaults, and computes its estimate (the figures of `scaffold cost KIND`, their JSON and
//! their text) and the `cost` value of a template context. The built-in models ([`crate::units`]) and the
//! ones a kind declares in its manifest ([`crate::declared`]) are both one of these, so the command line,
//! the bindings and the templates never ask which model they hold.

use std::fmt::Debug;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::prices::Prices;
use crate::{InputSpec, Values};
use scaffold_error::Result;

/// A cost model.
pub trait CostModel: Debug + Send + Sync {
    /// The name a kind gives in `[cost] model = "..."`.
    fn name(&self) -> &str;
    /// What the model prices, one sentence for the command that runs it.
    fn about(&self) -> &str;
    /// Every input the model reads.
    fn inputs(&self) -> &[InputSpec];
    /// The model's own value for every input it has one for.
    fn defaults(&self) -> Values;
    /// The month priced for `request`: its JSON, its text and what it leaves out.
    fn estimate(&self, request: &Request) -> Result<Priced>;
    /// The `cost` value a project's templates see for these inputs.
    fn context(&self, prices: &Prices, values: &Values) -> Result<CostContext>;
}

/// What `scaffold cost KIND` asks of a model.
#[derive(Debug)]
pub struct Request<'a> {
    /// The kind priced, as the report names it.
    pub kind: &'a str,
    pub prices: &'a Prices,
    /// Every input: the command's values over the kind's defaults.
    pub values: Values,
    /// The kind's defaults, to tell what the command changed.
    pub defaults: &'a Values,
}

/// An estimate as the command shows it.
#[derive(Debug, Clone)]
pub struct Priced {
    /// The JSON object of `--json`, without the command line that reproduces it.
    pub json: Map<String, Value>,
    /// The inputs as the model read them and the kind's defaults read the same way, when the JSON names the
    /// command line that reproduces the estimate (the binary writes it, as only it knows the flags).
    pub command: Option<(Values, Values)>,
    pub report: Report,
}

/// The text of an estimate, in the parts the binary puts around its own hints.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The figures, every line ending in a newline.
    pub body: String,
    /// How each figure is computed, shown on request.
    pub explained: String,
    /// What the model leaves out, one sentence each.
    pub not_modelled: Vec<String>,
}

/// The `cost` key of a template context: the figures of the kind's model, in the shape that model gives them
/// (docs/templates.md lists every key of each), and the warnings the binary prints beside the files.
#[derive(Debug, Clone)]
pub struct CostContext {
    pub values: Value,
    /// One sentence for each quota the workload's peak goes past.
    pub warnings: Vec<String>,
}

impl CostContext {
    /// The figures of `shape` and no warnings.
    pub fn of(shape: &impl Serialize) -> CostContext {
        CostContext {
            values: serde_json::to_value(shape).unwrap_or(Value::Null),
            warnings: Vec::new(),
        }
    }

    /// One sentence for each quota the workload's peak goes past, for the binary to print.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

impl Serialize for CostContext {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.values.serialize(serializer)
    }
}
