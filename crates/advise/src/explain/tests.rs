//! Tests of the parent module.

use super::*;
use crate::advise;
use scaffold_kind::Source;

fn catalog() -> Catalog {
    Catalog::load(&Source::Embedded).unwrap()
}

fn prices() -> Prices {
    Prices::embedded().unwrap()
}

fn run(input: AdviseInput) -> crate::Advice {
    advise(&prices(), &catalog(), &input).unwrap()
}

#[test]
fn every_answer_is_explained_in_question_order() {
    let a = run(AdviseInput::default());
    let keys: Vec<&str> = a.reasons.iter().map(|r| r.key).collect();
    let question_keys: Vec<String> = super::super::questions()
        .into_iter()
        .map(|q| q.key)
        .collect();
    assert_eq!(keys, question_keys);
    assert_eq!(a.reasons[1].answer, "1,000,000");
    assert!(
        a.reasons[1].effect.contains("serverless is cheaper here"),
        "{:?}",
        a.reasons[1]
    );
}

#[test]
fn the_summary_gives_the_recommended_platform_s_figures_when_cost_decides() {
    let a = run(AdviseInput {
        events_per_month: 1_000_000_000,
        ..AdviseInput::default()
    });
    assert_eq!(a.rule, "R3");
    assert_eq!(a.recommendation.platform, Platform::ManagedContainers);
    let want = format!(
        "At 1,000,000,000 events a month containers on Fargate cost {} against serverless {}",
        money(a.cost.fargate_usd),
        money(a.cost.serverless_usd)
    );
    assert!(a.summary.starts_with(&want), "{}", a.summary);
}

/// `advise --traffic bursty --events-per-month 110M --team-size 5` printed "R3: containers cost less than
/// functions ($607.51 vs $600.42)" next to "serverless is cheaper here": the break-even was the first
/// crossing, and the Fargate bill steps up a task at a time past it.
#[test]
fn bursty_110m_never_says_containers_cost_less_while_they_cost_more() {
    let a = run(AdviseInput {
        traffic: Traffic::Bursty,
        events_per_month: 110_000_000,
        team_size: 5,
        ..AdviseInput::default()
    });
    let c = &a.cost;
    // Bursty: one 0.5 vCPU task serves 50/s x 2,628,000 s / 10 = 13.14M events a month, so 110M needs
    // ceil(110 / 13.14) = 9 tasks: 9 x 730 x (0.5 x 0.03238 + 1 x 0.00356) = $129.76 of tasks, plus the ALB.
    // Serverless pays for API Gateway and Lambda on 110M events: 110 x $1 + 110 x $0.20 alone are $132, and
    // both sides carry the same queue, table, logs and traces.
    if a.rule == "R3" {
        assert!(c.fargate_usd <= c.serverless_usd - 100.0, "{a:#?}");
    } else {
        assert_eq!(a.recommendation.platform, Platform::Serverless);
        assert!(
            !a.summary.contains("containers on Fargate cost"),
            "{}",
            a.summary
        );
        assert!(
            !a.reasons[1]
                .effect
                .contains("at least the 10% worth a move"),
            "{}",
            a.reasons[1].effect
        );
    }
    // Whatever the rule, a break-even at or below 110M means containers cost no more here.
    if let Some(b) = c.break_even_fargate {
        assert_eq!(
            b <= 110_000_000,
            c.fargate_usd <= c.serverless_usd,
            "break-even {b}: {c:#?}"
        );
    }
}

/// `advise --traffic steady --events-per-month 40M --team-size 12 --platform-team` recommended Kubernetes on
/// cost (R3) while its own figures put EKS at $376 against serverless at $218: R3 used the Fargate
/// break-even for an EKS recommendation.
#[test]
fn steady_40m_with_a_platform_team_recommends_eks_on_cost_only_when_eks_is_cheaper() {
    let a = run(AdviseInput {
        traffic: Traffic::Steady,
        events_per_month: 40_000_000,
        team_size: 12,
        platform_team: true,
        ..AdviseInput::default()
    });
    let c = &a.cost;
    // EKS for this: control plane 0.10 x 730 = $73, at least 2 m7g.large nodes 2 x 0.0816 x 730 = $119.14,
    // an ALB $16.43 + LCUs: about $210 before the shared queue, table and logs, where serverless pays about
    // $40 x 1.2 = $48 for API Gateway and Lambda on 40M events. EKS cannot be the cheaper one.
    assert!(c.eks_usd > c.serverless_usd, "{c:#?}");
    assert_ne!(a.recommendation.platform, Platform::Kubernetes, "{a:#?}");
    if a.rule == "R3" {
        let p = a.recommendation.platform;
        assert!(c.bills().of(p) <= c.serverless_usd - 100.0, "{a:#?}");
    }
}

#[test]
fn flips_list_single_changes_that_change_the_platform_as_their_flags_take_them() {
    let a = run(AdviseInput::default());
    // GPU alone flips a small team to managed containers; a higher volume flips it too.
    let gpu = a
        .would_change
        .iter()
        .find(|f| f.key == "gpu")
        .expect("gpu flip");
    assert_eq!(gpu.answer, "true");
    assert_eq!(gpu.recommendation.name(), "managed-containers");
    let volume = a
        .would_change
        .iter()
        .find(|f| f.key == "events_per_month")
        .expect("volume flip");
    assert_eq!(volume.rule, "R3");
    let n: u64 = volume.answer.parse().expect("a plain number");
    assert!(n > a.cost.events_per_month);
}

#[test]
fn every_flip_is_what_the_rules_decide_for_the_changed_answer() {
    let a = run(AdviseInput {
        gpu: true,
        platform_team: true,
        team_size: 12,
        ..AdviseInput::default()
    });
    assert_eq!(a.rule, "R1");
    for f in &a.would_change {
        assert_ne!(
            f.recommendation.platform, a.recommendation.platform,
            "{f:?}"
        );
    }
    let keys: Vec<&str> = a.would_change.iter().map(|f| f.key).collect();
    assert_eq!(keys, ["gpu", "platform_team", "team_size"]);
    assert_eq!(
        a.would_change[2].answer, "9",
        "the team size just below the threshold"
    );
}

fn any_input() -> impl proptest::strategy::Strategy<Value = AdviseInput> {
    use proptest::prelude::*;
    (
        (0usize..3, 1u64..2_000_000_000_000, any::<[bool; 6]>()),
        (1u32..30, 1u32..2000, 0u32..3000, 0u32..2000),
    )
        .prop_map(
            |((t, events, b), (team, latency, ops, saving))| AdviseInput {
                traffic: Traffic::ALL[t],
                events_per_month: events.min(scaffold_cost::MAX_EVENTS_PER_MONTH),
                long_lived_connections: b[0] && b[1] && b[2],
                gpu: b[1] && b[3] && b[4],
                custom_networking: false,
                team_size: team,
                platform_team: b[2],
                compliance_isolation: b[3] && b[5],
                latency_budget_ms: latency.max(50),
                ops_usd_per_month: ops,
                min_saving_usd: saving,
                existing_cluster: b[4],
            },
        )
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(40))]
    /// Whatever the answers, the advice never contradicts the figures it prints: a recommendation on cost
    /// (R3) names a platform whose printed bill is at least the minimum saving below serverless's, and the
    /// cheapest platform the organisation can run; serverless by default (R4) means no container platform it
    /// can run saves that much; the cost sentence says "cheaper" of the cheaper one; a break-even at or below
    /// the volume means that platform costs no more here.
    #[test]
    fn no_recommendation_on_cost_contradicts_the_printed_figures(input in any_input()) {
        let a = run(input.clone());
        let c = &a.cost;
        let margin = c.min_saving_usd;
        let k8s = input.platform_team && input.team_size >= MIN_TEAM_FOR_PLATFORM;
        let mut runnable = vec![c.fargate_usd];
        if k8s {
            runnable.push(c.eks_usd);
        }
        let best = runnable.iter().copied().fold(f64::INFINITY, f64::min);
        match a.rule {
            "R3" => {
                let p = a.recommendation.platform;
                let usd = c.bills().of(p);
                proptest::prop_assert!(p != Platform::Serverless);
                proptest::prop_assert!(usd <= c.serverless_usd - margin, "{:#?}", a);
                proptest::prop_assert!(usd <= best, "{:#?}", a);
                proptest::prop_assert!(p != Platform::Kubernetes || k8s);
                proptest::prop_assert!(a.summary.contains(&money(usd)) && a.summary.contains(&money(c.serverless_usd)));
            }
            "R4" => {
                proptest::prop_assert!(best > c.serverless_usd - margin, "{:#?}", a);
                proptest::prop_assert_eq!(a.recommendation.platform, Platform::Serverless);
            }
            _ => {}
        }
        let effect = &a.reasons[1].effect;
        if effect.contains("serverless is cheaper here") {
            proptest::prop_assert!(c.serverless_usd <= best, "{}", effect);
        } else {
            proptest::prop_assert!(best < c.serverless_usd, "{}", effect);
        }
        for (b, usd) in [(c.break_even_fargate, c.fargate_usd), (c.break_even_eks, c.eks_usd)] {
            if let Some(b) = b.filter(|b| *b <= c.events_per_month) {
                proptest::prop_assert!(usd <= c.serverless_usd + 1e-9, "break-even {} but {} > {}", b, usd, c.serverless_usd);
            }
        }
        for f in &a.would_change {
            proptest::prop_assert_ne!(f.recommendation.platform, a.recommendation.platform);
        }
    }
}
