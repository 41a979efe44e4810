//! The break-even: the smallest monthly volume at which the serverless bill reaches the container bill.

use crate::cost::containers::{ContainerAssumptions, Platform, platform_cost};
use crate::cost::serverless::{self, ServerlessInput};
use crate::cost::{MAX_EVENTS_PER_MONTH, Prices};
use crate::error::Result;

/// Serverless minus containers at a volume (positive: containers are cheaper).
fn gap(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
    events: u64,
) -> Result<f64> {
    let s = serverless::estimate(prices, &input.at(events))?;
    let c = platform_cost(prices, platform, &s, assumptions)?;
    Ok(s.total_usd - c.total_usd)
}

/// The smallest volume (events per month, up to 10^12) from which serverless costs at least as much as the
/// container platform, or `None` when serverless stays cheaper all the way.
///
/// The container side is a step function (whole tasks). The search walks the task-count steps, comparing the two
/// bills at the top of each step; once it finds a step whose top is past the crossing, it bisects inside that step.
/// Serverless prices only fall with volume (tiers), so the gap at the step tops grows at a shrinking rate: when it
/// stops growing while still negative, serverless stays cheaper, and while it grows, steps that cannot reach zero
/// by linear extrapolation are skipped.
pub fn break_even(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
) -> Result<Option<u64>> {
    let secs = prices.seconds_per_month();
    let min = assumptions.min_tasks as u64;
    // Highest volume served by k tasks.
    let top_for = |k: u64| -> u64 {
        let v = (k as f64 * assumptions.events_per_task_second * secs / assumptions.peak_factor)
            .floor();
        if v >= MAX_EVENTS_PER_MONTH as f64 {
            MAX_EVENTS_PER_MONTH
        } else {
            (v as u64).max(1)
        }
    };
    let at = |n: u64| gap(prices, platform, input, assumptions, n);
    let mut k = min;
    let mut previous: Option<(u64, f64)> = None;
    loop {
        let lo = if k == min {
            1
        } else {
            top_for(k - 1).saturating_add(1).min(MAX_EVENTS_PER_MONTH)
        };
        let hi = top_for(k).max(lo);
        let g = at(hi)?;
        if g >= 0.0 {
            if at(lo)? >= 0.0 {
                return Ok(Some(lo));
            }
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if at(mid)? >= 0.0 {
                    b = mid;
                } else {
                    a = mid;
                }
            }
            return Ok(Some(b));
        }
        if hi >= MAX_EVENTS_PER_MONTH {
            return Ok(None);
        }
        let step = match previous {
            None => 1,
            Some((pk, pg)) => {
                let per_step = (g - pg) / (k - pk) as f64;
                if per_step <= 0.0 {
                    return Ok(None);
                }
                let needed = (-g / per_step).ceil();
                if needed > 1e12 {
                    1_000_000_000_000
                } else {
                    (needed as u64).saturating_sub(1).max(1)
                }
            }
        };
        previous = Some((k, g));
        k = k.saturating_add(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    #[test]
    fn lean_break_even_against_fargate_is_in_the_tens_of_millions() {
        let p = prices();
        let input = ServerlessInput::default();
        let a = ContainerAssumptions::default();
        let n = break_even(&p, Platform::Fargate, &input, &a)
            .unwrap()
            .unwrap();
        assert!((10_000_000..100_000_000).contains(&n), "{n}");
        // By hand: fixed 28.835 + 16.425 over (1.353334 - 0.0111111 x 0.8) per million = about 35.8M.
        let by_hand = (28.835 + 16.425) / (1.353334 - 0.008 / 0.09) * 1e6;
        assert!(
            (n as f64 - by_hand).abs() / by_hand < 0.001,
            "{n} vs {by_hand}"
        );
        // Exactly the crossing: one event less and serverless is still cheaper.
        assert!(gap(&p, Platform::Fargate, &input, &a, n).unwrap() >= 0.0);
        assert!(gap(&p, Platform::Fargate, &input, &a, n - 1).unwrap() < 0.0);
    }

    #[test]
    fn spikier_traffic_moves_the_break_even_up() {
        let p = prices();
        let input = ServerlessInput::default();
        let steady = ContainerAssumptions {
            peak_factor: 1.5,
            ..Default::default()
        };
        let bursty = ContainerAssumptions {
            peak_factor: 10.0,
            ..Default::default()
        };
        let a = break_even(&p, Platform::Fargate, &input, &steady)
            .unwrap()
            .unwrap();
        let b = break_even(&p, Platform::Fargate, &input, &bursty)
            .unwrap()
            .unwrap();
        assert!(b >= a, "{b} < {a}");
    }

    #[test]
    fn no_break_even_when_containers_never_win() {
        let p = prices();
        // One event per second per task: the fleet grows faster than the serverless bill.
        let slow = ContainerAssumptions {
            events_per_task_second: 0.1,
            ..Default::default()
        };
        assert_eq!(
            break_even(&p, Platform::Fargate, &ServerlessInput::default(), &slow).unwrap(),
            None
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]
        #[test]
        fn break_even_is_exactly_the_first_crossing(
            peak in 1.0f64..20.0,
            per_task in 5.0f64..500.0,
            min_tasks in 1u32..6,
            payload in 0.5f64..200.0,
            rest in proptest::bool::ANY,
        ) {
            let p = prices();
            let input = ServerlessInput {
                payload_kb: payload,
                api: if rest { serverless::ApiKind::Rest } else { serverless::ApiKind::Http },
                ..Default::default()
            };
            let a = ContainerAssumptions { peak_factor: peak, events_per_task_second: per_task, min_tasks, ..Default::default() };
            if let Some(n) = break_even(&p, Platform::Fargate, &input, &a).unwrap() {
                proptest::prop_assert!(gap(&p, Platform::Fargate, &input, &a, n).unwrap() >= 0.0);
                if n > 1 {
                    proptest::prop_assert!(gap(&p, Platform::Fargate, &input, &a, n - 1).unwrap() < 0.0);
                }
                // Nothing earlier crosses either: sample below the answer.
                for k in 1..=20u64 {
                    let m = n / 21 * k;
                    if m >= 1 {
                        proptest::prop_assert!(gap(&p, Platform::Fargate, &input, &a, m).unwrap() < 0.0, "crossed at {m} < {n}");
                    }
                }
            }
        }
    }
}
