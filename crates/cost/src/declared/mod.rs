//! A cost model a kind declares in its manifest (`[cost.declared]`): inputs, line items priced from the price
//! table or at a declared unit price, and what it leaves out. [`Declared::compile`] checks the declaration when
//! the kind is bound (every name an expression reads is an input, every price key is in the table, every range
//! holds its default); the result is a [`CostModel`] like the built-in ones.

pub mod expr;

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::context::{Line, lines};
use crate::format::{count, decimals, money, plain};
use crate::prices::{PRICE_KEYS, Prices};
use crate::table::{formulas, items_table};
use crate::unit::{CostContext, CostModel, Priced, Report, Request};
use crate::{InputSpec, InputType, LineItem, Range, Values, invalid};
use expr::Expr;
use scaffold_error::Result;
use scaffold_kind::{DeclaredItem, DeclaredModel};

/// A checked declaration.
#[derive(Debug)]
pub struct Declared {
    name: String,
    spec: DeclaredModel,
    /// The declaration's inputs as the engine lists inputs, owning their text.
    inputs: Vec<InputSpec>,
    events: Expr,
    quantities: Vec<Expr>,
}

impl Declared {
    /// The model `name` as `spec` declares it; the error says what to fix, in the manifest's words.
    pub fn compile(name: &str, spec: &DeclaredModel) -> std::result::Result<Declared, String> {
        let mut inputs = Vec::new();
        for input in &spec.inputs {
            let at = format!("[[cost.declared.inputs]] `{}`", input.name);
            let kind = match input.kind.as_str() {
                "number" => InputType::Number,
                "whole" => InputType::Whole,
                other => return Err(format!("{at}: type `{other}` is not `number` or `whole`")),
            };
            if !(input.min <= input.default && input.default <= input.max) {
                return Err(format!(
                    "{at}: the default {} is outside its range {} to {}; give min <= default <= max",
                    input.default, input.min, input.max
                ));
            }
            if inputs.iter().any(|i: &InputSpec| i.name == input.name) {
                return Err(format!("{at} is declared twice"));
            }
            inputs.push(InputSpec {
                name: input.name.clone().into(),
                kind,
                flag: input.flag.clone().map(Into::into),
                help: input.help.clone().into(),
                // A declared model words its own refusals ([`Declared::numbers`]); `what` is not read.
                range: Some(Range {
                    min: input.min,
                    max: input.max,
                    what: "a declared input",
                }),
            });
        }
        let known: Vec<&str> = inputs.iter().map(|i| i.name.as_ref()).collect();
        let parse = |at: &str, text: &str| -> std::result::Result<Expr, String> {
            let e = Expr::parse(text).map_err(|e| format!("{at}: `{text}`: {e}"))?;
            match e.names().into_iter().find(|n| !known.contains(n)) {
                Some(unknown) => Err(format!(
                    "{at}: `{unknown}` is not an input of the model; its inputs are: {}",
                    known.join(", ")
                )),
                None => Ok(e),
            }
        };
        let events = parse("[cost.declared] events", &spec.events)?;
        let mut quantities = Vec::new();
        for item in &spec.items {
            let at = format!("[[cost.declared.items]] `{}`", item.key);
            quantities.push(parse(&format!("{at} quantity"), &item.quantity)?);
            match (&item.price, &item.unit_price) {
                (Some(key), None) if PRICE_KEYS.iter().any(|(k, _)| k == key) => {}
                (Some(key), None) => {
                    return Err(format!(
                        "{at}: price `{key}` is not a key of the price table (templates/pricing/); give one of its keys or a unit_price with its source"
                    ));
                }
                (None, Some(p)) if p.per > 0.0 && p.usd >= 0.0 => {}
                (None, Some(_)) => {
                    return Err(format!("{at}: unit_price needs usd >= 0 and per > 0"));
                }
                _ => {
                    return Err(format!(
                        "{at}: give either price (a key of the price table) or unit_price"
                    ));
                }
            }
        }
        Ok(Declared {
            name: name.to_string(),
            spec: spec.clone(),
            inputs,
            events,
            quantities,
        })
    }

    /// The inputs as numbers, each checked against its range.
    fn numbers(&self, values: &Values) -> Result<Values> {
        let mut out = Values::new();
        for input in &self.inputs {
            let x = values.get(&input.name).and_then(number).unwrap_or(f64::NAN);
            let range = input.range.expect("every declared input has a range");
            let whole = input.kind == InputType::Whole;
            if !(range.min <= x && x <= range.max) || (whole && x.fract() != 0.0) {
                return Err(invalid(
                    &input.name,
                    format!(
                        "must be a {} between {} and {}",
                        if whole { "whole number" } else { "number" },
                        range.min,
                        range.max
                    ),
                ));
            }
            if whole {
                out.set(&input.name, x as i64);
            } else {
                out.set(&input.name, x);
            }
        }
        Ok(out)
    }

    fn priced(&self, prices: &Prices, values: &Values) -> Result<Month> {
        let numbers = self.numbers(values)?;
        let value = |n: &str| numbers.get(n).and_then(number).unwrap_or(0.0);
        let items: Vec<LineItem> = self
            .spec
            .items
            .iter()
            .zip(&self.quantities)
            .map(|(item, q)| line(prices, item, q.eval(&value)))
            .collect();
        let total_usd: f64 = items.iter().map(|i| i.usd).sum();
        let events = self.events.eval(&value);
        Ok(Month {
            per_thousand_events_usd: if events > 0.0 {
                total_usd / events * 1000.0
            } else {
                0.0
            },
            total_usd,
            items,
            input: numbers,
        })
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        other => other.as_f64(),
    }
}

/// One priced line: the quantity at the table's price (tiers walked) or the declared one.
fn line(prices: &Prices, item: &DeclaredItem, quantity: f64) -> LineItem {
    let (usd, per_unit) = match (&item.price, &item.unit_price) {
        (Some(key), _) => {
            let p = prices.get(key);
            (p.cost(quantity), p.describe())
        }
        (None, Some(p)) => (
            quantity / p.per * p.usd,
            format!("${} per {} {}", p.usd, count(p.per), item.unit),
        ),
        (None, None) => (0.0, String::new()),
    };
    LineItem {
        key: item.key.clone(),
        label: item.label.clone(),
        quantity,
        unit: item.unit.clone(),
        usd,
        formula: format!(
            "{} = {} {} at {per_unit}",
            item.quantity,
            count(quantity),
            item.unit
        ),
    }
}

/// A cost per thousand events, to a hundredth of a cent: `$0.0018`.
fn per_thousand(usd: f64) -> String {
    format!("${}", decimals(usd, 4))
}

/// A priced month of a declared model, as `--json` gives it.
#[derive(Debug, Serialize)]
struct Month {
    input: Values,
    items: Vec<LineItem>,
    total_usd: f64,
    per_thousand_events_usd: f64,
}

/// The `cost` value templates see for a declared model.
#[derive(Debug, Serialize)]
struct DeclaredContext {
    model: String,
    /// Each input's value, by name.
    input: Values,
    /// Each input as a docs table lists it, in declared order.
    inputs: Vec<InputRow>,
    items: Vec<Line>,
    /// `$12.34`.
    total_usd: String,
    per_thousand_events_usd: String,
    not_modelled: Vec<String>,
}

/// One input of a declared model, as a document's table of inputs shows it.
#[derive(Debug, Serialize)]
struct InputRow {
    name: String,
    /// The value priced, without float noise: `0.5`, `5000000`.
    value: String,
    /// The declared range, the same way.
    min: String,
    max: String,
    /// The option of the cost command that sets it, without its dashes; null for none.
    flag: Option<String>,
    help: String,
}

impl CostModel for Declared {
    fn name(&self) -> &str {
        &self.name
    }

    fn about(&self) -> &str {
        &self.spec.about
    }

    fn inputs(&self) -> &[InputSpec] {
        &self.inputs
    }

    fn defaults(&self) -> Values {
        let mut out = Values::new();
        for input in &self.spec.inputs {
            out.set(&input.name, input.default);
        }
        out
    }

    fn estimate(&self, request: &Request) -> Result<Priced> {
        let month = self.priced(request.prices, &request.values)?;
        let mut body = String::new();
        let _ = writeln!(
            body,
            "{} on the model `{}` (prices: {})\n",
            request.kind, self.name, request.prices.origin
        );
        items_table(&mut body, &month.items, month.total_usd);
        let _ = writeln!(
            body,
            "\nPer thousand events: {}.",
            per_thousand(month.per_thousand_events_usd)
        );
        let mut explained = String::new();
        formulas(&mut explained, &month.items);
        let mut json = Map::new();
        json.insert("kind".into(), Value::from(request.kind));
        json.insert("prices".into(), Value::from(request.prices.origin.clone()));
        json.insert("estimate".into(), json!(month));
        json.insert("not_modelled".into(), json!(self.spec.not_modelled));
        Ok(Priced {
            json,
            command: Some((month.input.clone(), self.numbers(request.defaults)?)),
            report: Report {
                body,
                explained,
                not_modelled: self.spec.not_modelled.clone(),
            },
        })
    }

    fn context(&self, prices: &Prices, values: &Values) -> Result<CostContext> {
        let month = self.priced(prices, values)?;
        Ok(CostContext::of(&DeclaredContext {
            model: self.name.clone(),
            inputs: self
                .spec
                .inputs
                .iter()
                .map(|i| InputRow {
                    name: i.name.clone(),
                    value: plain(month.input.get(&i.name).and_then(number).unwrap_or(0.0)),
                    min: plain(i.min),
                    max: plain(i.max),
                    flag: i.flag.clone(),
                    help: i.help.clone(),
                })
                .collect(),
            input: month.input,
            items: lines(&month.items),
            total_usd: money(month.total_usd),
            per_thousand_events_usd: per_thousand(month.per_thousand_events_usd),
            not_modelled: self.spec.not_modelled.clone(),
        }))
    }
}
