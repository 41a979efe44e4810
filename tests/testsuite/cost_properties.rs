//! Properties of the cost models that hold for any input within its range: a declared model's month adds up and
//! its cost per thousand events is its total over its events; the serverless processor runs once per batch.

use std::path::Path;

use proptest::prelude::*;

use scaffold::cost::declared::expr::Expr;
use scaffold::cost::model::Bound;
use scaffold::cost::serverless::{self, QueueKind, ServerlessInput};
use scaffold::cost::unit::Request;
use scaffold::cost::{InputType, MAX_EVENTS_PER_MONTH, Prices, Values};
use scaffold::{Catalog, Kind, Source};

/// Every kind of tests/fixtures/declared, which each declare their own model.
fn declared_kinds() -> Vec<Kind> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/declared");
    let kinds = Catalog::load(&Source::Dir(dir))
        .expect("the fixtures load")
        .kinds;
    assert!(
        kinds.iter().all(|k| k
            .manifest
            .cost
            .as_ref()
            .is_some_and(|c| c.declared.is_some())),
        "every fixture declares its model"
    );
    kinds
}

/// The most inputs a fixture declares, for the strategy's fractions.
const MOST_INPUTS: usize = 12;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_declared_month_adds_up_at_any_inputs_in_range(
        fractions in proptest::collection::vec(0.0f64..=1.0, MOST_INPUTS),
    ) {
        let prices = Prices::embedded().unwrap();
        for kind in declared_kinds() {
            let bound = Bound::of(&kind).unwrap().expect("a declared model");
            let model = &bound.model;
            prop_assert!(model.inputs().len() <= MOST_INPUTS);
            // Each input at its fraction of the way from its declared minimum to its maximum.
            let mut values = Values::new();
            for (input, f) in model.inputs().iter().zip(&fractions) {
                let range = input.range.expect("a declared input has a range");
                let x = range.min + f * (range.max - range.min);
                match input.kind {
                    InputType::Whole => values.set(&input.name, x.round() as i64),
                    _ => values.set(&input.name, x),
                }
            }
            let defaults = model.defaults();
            let priced = model
                .estimate(&Request { kind: kind.name(), prices: &prices, values: values.clone(), defaults: &defaults })
                .unwrap();
            let month = &priced.json["estimate"];
            let usd: Vec<f64> = month["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["usd"].as_f64().unwrap())
                .collect();
            let total = month["total_usd"].as_f64().unwrap();
            for (i, item) in usd.iter().enumerate() {
                prop_assert!(*item >= 0.0, "{}: item {i} is {item}", kind.name());
            }
            let sum: f64 = usd.iter().sum();
            prop_assert!((sum - total).abs() <= 1e-9 * total.max(1.0), "{}: {sum} != {total}", kind.name());
            // The events, from the declaration's own expression over the inputs priced.
            let spec = kind.manifest.cost.as_ref().unwrap().declared.as_ref().unwrap();
            let input = &month["input"];
            let events = Expr::parse(&spec.events)
                .unwrap()
                .eval(&|n: &str| input[n].as_f64().unwrap_or(f64::NAN));
            let per_thousand = month["per_thousand_events_usd"].as_f64().unwrap();
            if events > 0.0 {
                let back = per_thousand * events / 1000.0;
                prop_assert!(
                    (back - total).abs() <= 1e-9 * total.max(1e-6),
                    "{}: {per_thousand} x {events} / 1000 = {back}, total {total}",
                    kind.name()
                );
            } else {
                prop_assert_eq!(per_thousand, 0.0);
            }
        }
    }

    #[test]
    fn the_processor_runs_at_most_once_an_event_and_at_least_once_a_full_batch(
        events in 1u64..=MAX_EVENTS_PER_MONTH,
        batch in 1u32..=100,
        window in 0u32..=20,
        fifo in proptest::bool::ANY,
        duration_ms in 1.0f64..=10_000.0,
    ) {
        let base = ServerlessInput::default();
        let input = ServerlessInput {
            // A FIFO source takes at most 10 messages a batch and has no window; above 10 a window of 1 s or more.
            queue: if fifo { QueueKind::Fifo } else { QueueKind::Standard },
            batch_size: if fifo { batch.min(10) } else { batch },
            batch_window_s: f64::from(match (fifo, batch > 10) {
                (true, _) => 0,
                (false, true) => window.max(1),
                (false, false) => window,
            }),
            processor_duration_ms: duration_ms,
            ..base
        }
        .at(events);
        let e = serverless::estimate(&Prices::embedded().unwrap(), &input).unwrap();
        let n = events as f64;
        let p = e.usage.processor_invocations;
        let full = n / f64::from(input.batch_size);
        prop_assert!(p <= n * (1.0 + 1e-12), "{p} invocations for {n} events");
        prop_assert!(p >= full * (1.0 - 1e-12), "{p} invocations, below {full} full batches of {}", input.batch_size);
    }
}
