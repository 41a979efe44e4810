//! The break-even: the volume from which containers stay cheaper than serverless, however far the volume grows.
//!
//! The container bill is a step function: each whole task (or node) is paid for as soon as the peak needs a sliver
//! of it, so within a step serverless gains on containers and at the next step it is ahead again. Right above
//! the first crossing serverless can be the cheaper one again; the break-even reported is the last crossing, the
//! volume from which containers are cheaper at every volume up to the model's limit.

use crate::containers::{ContainerAssumptions, Platform, platform_cost};
use crate::serverless::{self, ServerlessInput};
use crate::{MAX_EVENTS_PER_MONTH, Prices};
use scaffold_error::Result;

/// Serverless minus containers minus `margin` USD, at a volume (not negative: containers save at least the
/// margin).
pub fn gap(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
    margin: f64,
    events: u64,
) -> Result<f64> {
    let s = serverless::estimate(prices, &input.at(events))?;
    let c = platform_cost(prices, platform, &s, assumptions)?;
    Ok(s.total_usd - c.total_usd - margin)
}

/// The volume (events per month, up to 10^12) from which containers cost no more than serverless at every
/// volume above it, or `None` when serverless is still cheaper at the model's limit.
pub fn break_even(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
) -> Result<Option<u64>> {
    break_even_saving(prices, platform, input, assumptions, 0.0)
}

/// As [`break_even`], from where containers save at least `margin` USD a month.
///
/// Tasks step up at fixed volumes (a task serves `events_per_task_second` at the peak), and between two steps
/// the serverless bill grows faster than the load balancer's, so the gap only falls at a step's first volume.
/// The search bisects over the steps for the last one whose first volume is still short (a step that opens a
/// node on EKS is looked at with the steps that share its node), then bisects inside it. It relies on the
/// serverless bill's price per event never rising with volume (tiers only fall), which the property tests
/// check against the model.
pub fn break_even_saving(
    prices: &Prices,
    platform: Platform,
    input: &ServerlessInput,
    assumptions: &ContainerAssumptions,
    margin: f64,
) -> Result<Option<u64>> {
    let g = |n: u64| gap(prices, platform, input, assumptions, margin, n);
    if g(MAX_EVENTS_PER_MONTH)? < 0.0 {
        return Ok(None);
    }
    let secs = prices.seconds_per_month();
    let per_task = assumptions.events_per_task_second * secs / assumptions.peak_factor;
    // Highest volume k tasks serve.
    let top = |k: u64| -> u64 {
        let v = (k as f64 * per_task).floor();
        if v >= MAX_EVENTS_PER_MONTH as f64 {
            MAX_EVENTS_PER_MONTH
        } else {
            v as u64
        }
    };
    let first = u64::from(assumptions.min_tasks);
    let last = u64::from(assumptions.tasks(prices, MAX_EVENTS_PER_MONTH)).max(first);
    let lo = |k: u64| {
        if k <= first {
            1
        } else {
            (top(k - 1) + 1).min(MAX_EVENTS_PER_MONTH)
        }
    };
    let hi = |k: u64| {
        if k >= last {
            MAX_EVENTS_PER_MONTH
        } else {
            top(k).max(lo(k))
        }
    };
    let window = {
        let probe = serverless::estimate(prices, &input.at(1))?;
        u64::from(platform_cost(prices, platform, &probe, assumptions)?.pods_per_node).max(1)
    };
    // Whether some step among the `window` from k opens short of the margin.
    let short_from = |k: u64| -> Result<Option<u64>> {
        let mut found = None;
        for j in k..=(k + window - 1).min(last) {
            if g(lo(j))? < 0.0 {
                found = Some(j);
            }
        }
        Ok(found)
    };
    if short_from(first)?.is_none() {
        return Ok(Some(1));
    }
    // The last k with a short step among the window from it.
    let (mut a, mut b) = (first, last + 1);
    while b - a > 1 {
        let mid = a + (b - a) / 2;
        if short_from(mid)?.is_some() {
            a = mid;
        } else {
            b = mid;
        }
    }
    let step = short_from(a)?.expect("the bisection keeps a short step");
    let (mut x, y) = (lo(step), hi(step));
    if g(y)? < 0.0 {
        return Ok(Some(y + 1));
    }
    // x is short, y is not: the first volume of the step that is not.
    let mut y = y;
    while y - x > 1 {
        let mid = x + (y - x) / 2;
        if g(mid)? >= 0.0 {
            y = mid;
        } else {
            x = mid;
        }
    }
    Ok(Some(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        Prices::embedded().unwrap()
    }

    fn at(
        p: &Prices,
        platform: Platform,
        input: &ServerlessInput,
        a: &ContainerAssumptions,
        n: u64,
    ) -> f64 {
        gap(p, platform, input, a, 0.0, n).unwrap()
    }

    #[test]
    fn lean_break_even_against_fargate_is_in_the_tens_of_millions() {
        let p = prices();
        let input = ServerlessInput::default();
        let a = ContainerAssumptions::default();
        let n = break_even(&p, Platform::Fargate, &input, &a)
            .unwrap()
            .unwrap();
        // By hand: containers cost a fixed 28.835 of tasks + 16.425 of ALB + 14.60 of public IPv4 (2 for the ALB, 1
        // per task: 4 x 730 x 0.005) = $59.86, plus $0.008 x 11.11 LCU-hours = $0.0889 a million events. What
        // leaves serverless with the code, per million events at m million a month, where a batch is
        // 1 + 0.25 s x m x 1M / 2,628,000 s = 1 + 0.0951 m events (no window; full only from 94.6M):
        //   API $1.00 + requests $0.20 x (1 + 1/b) + duration (0.00375 + 0.0625/b) x 1M GB-s x $0.0000133334
        //   + Lambda's log lines 0.35 GB x (1 + 1/b) x $0.50 = $1.425 + $1.2083/b.
        // m x (1.425 + 1.2083 / (1 + 0.0951 m) - 0.0889) = 59.86 holds at m = 37.38 (b = 4.56): 37.38M (47.3M
        // with full batches of 10 and no log lines). Two tasks serve up to 87.6M at a peak 3x the average, where
        // serverless is $118 of requests alone against $18 for a third task: no later crossing.
        let by_hand = 37.38e6;
        assert!(
            (n as f64 - by_hand).abs() / by_hand < 0.001,
            "{n} vs {by_hand}"
        );
        assert!(at(&p, Platform::Fargate, &input, &a, n) >= 0.0);
        assert!(at(&p, Platform::Fargate, &input, &a, n - 1) < 0.0);
    }

    #[test]
    fn the_break_even_is_the_last_crossing_when_a_new_task_puts_serverless_ahead_again() {
        let p = prices();
        // With 1 KB of the code's own log lines per event, containers pay the standard $0.50 a GB for lines that
        // Lambda's vended tiers price at $0.05 above 50 TB a month: near 10^12 events containers cost about $0.963
        // (tasks) + $0.089 (LCUs) + $0.50 (logs) = $1.55 a million more, serverless about $0.90 (API) + $0.22
        // (requests) + $0.11 (duration) + $0.07 (logs) = $1.30: serverless wins at the far end, so no break-even.
        let peaky = ContainerAssumptions {
            peak_factor: 7.0,
            ..Default::default()
        };
        let one_kb = ServerlessInput::default();
        assert_eq!(
            break_even(&p, Platform::Fargate, &one_kb, &peaky).unwrap(),
            None
        );
        // A tenth of a KB keeps the code's own lines under 10 TB up to 100B events and the far end with containers.
        let input = ServerlessInput {
            log_kb_per_event: 0.1,
            ..Default::default()
        };
        // Peaks 7x the average: one task serves 50 x 2,628,000 / 7 = 18.77M events a month. Serverless costs about
        // $1.2645 a million more than the load balancer, so a task's volume wins back $23.74, while a task costs
        // 730 x (0.5 x 0.03238 + 0.00356) = $14.42 + its public IPv4 $3.65 = $18.07. Containers gain $5.67 a step
        // at the tops of the steps, and the $18.07 jump at each new task puts serverless ahead again for a few
        // steps after the first crossing.
        let a = ContainerAssumptions {
            peak_factor: 7.0,
            ..Default::default()
        };
        let n = break_even(&p, Platform::Fargate, &input, &a)
            .unwrap()
            .unwrap();
        let per_task = 50.0 * 2_628_000.0 / 7.0;
        let first_of = |k: u64| (k as f64 * per_task).floor() as u64 + 1;
        let top_of = |k: u64| (k as f64 * per_task).floor() as u64;
        // Every step's first volume from the break-even on is at least even.
        let k0 = (n as f64 / per_task) as u64;
        for k in k0..k0 + 200 {
            let first = first_of(k);
            if first >= n {
                assert!(
                    at(&p, Platform::Fargate, &input, &a, first) >= 0.0,
                    "serverless cheaper again at {first}"
                );
            }
        }
        assert!(at(&p, Platform::Fargate, &input, &a, n - 1) < 0.0);
        // And containers were already even at the top of some earlier step: the first crossing, which the
        // break-even used to be, comes before it.
        let earlier = (1..=k0)
            .map(top_of)
            .find(|&top| top < n && at(&p, Platform::Fargate, &input, &a, top) >= 0.0);
        assert!(earlier.is_some(), "no crossing before {n}");
    }

    #[test]
    fn no_break_even_when_containers_never_win() {
        let p = prices();
        // A tenth of an event per second per task: the fleet grows faster than the serverless bill.
        let slow = ContainerAssumptions {
            events_per_task_second: 0.1,
            ..Default::default()
        };
        assert_eq!(
            break_even(&p, Platform::Fargate, &ServerlessInput::default(), &slow).unwrap(),
            None
        );
    }

    #[test]
    fn a_required_saving_moves_the_break_even_up() {
        let p = prices();
        let input = ServerlessInput::default();
        let a = ContainerAssumptions::default();
        let plain = break_even(&p, Platform::Fargate, &input, &a)
            .unwrap()
            .unwrap();
        let tenth = break_even_saving(&p, Platform::Fargate, &input, &a, 100.0)
            .unwrap()
            .unwrap();
        assert!(tenth > plain, "{tenth} <= {plain}");
        assert!(gap(&p, Platform::Fargate, &input, &a, 100.0, tenth).unwrap() >= 0.0);
        assert!(gap(&p, Platform::Fargate, &input, &a, 100.0, tenth - 1).unwrap() < 0.0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(32))]
        /// From the break-even on, containers are never the dearer one: at the break-even, one event below it
        /// it is still serverless, and at the first volume of every later step (where the container bill jumps)
        /// containers are at least even.
        #[test]
        fn containers_stay_cheaper_from_the_break_even_on(
            peak in 1.0f64..20.0,
            per_task in 5.0f64..500.0,
            min_tasks in 1u32..6,
            payload in 0.5f64..200.0,
            rest in proptest::bool::ANY,
            eks in proptest::bool::ANY,
            margin in 0.0f64..500.0,
        ) {
            let p = prices();
            let input = ServerlessInput {
                payload_kb: payload,
                api: if rest { serverless::ApiKind::Rest } else { serverless::ApiKind::Http },
                ..Default::default()
            };
            let a = ContainerAssumptions { peak_factor: peak, events_per_task_second: per_task, min_tasks, ..Default::default() };
            let platform = if eks { Platform::Eks } else { Platform::Fargate };
            let g = |n: u64| gap(&p, platform, &input, &a, margin, n).unwrap();
            match break_even_saving(&p, platform, &input, &a, margin).unwrap() {
                Some(n) => {
                    proptest::prop_assert!(g(n) >= 0.0);
                    if n > 1 {
                        proptest::prop_assert!(g(n - 1) < 0.0);
                    }
                    let per = per_task * p.seconds_per_month() / peak;
                    let k0 = (n as f64 / per).floor() as u64;
                    // The next 60 steps, then 60 spread up to the limit.
                    let spread = (MAX_EVENTS_PER_MONTH as f64 / per / 60.0).max(1.0) as u64;
                    for k in (k0..k0 + 60).chain((1..=60).map(|i| k0 + i * spread)) {
                        let first = ((k as f64 * per).floor() as u64 + 1).min(MAX_EVENTS_PER_MONTH);
                        if first > n {
                            proptest::prop_assert!(g(first) >= 0.0, "serverless cheaper again at {} (break-even {})", first, n);
                        }
                    }
                }
                None => proptest::prop_assert!(g(MAX_EVENTS_PER_MONTH) < 0.0),
            }
        }
    }
}
