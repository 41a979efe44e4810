//! The rules of docs/advise.md, as an ordered table: the first rule that applies decides. Each rule says when
//! it applies and why it stands where it does in the order; the [`Platform`] it recommends depends only on the
//! facts derived from the answers.

use serde::Serialize;

use super::questions::AdviseInput;

/// Smallest team that can staff a platform team and still ship product.
pub const MIN_TEAM_FOR_PLATFORM: u32 = 10;
/// Latency budgets below this many milliseconds rule out cold starts.
pub const LATENCY_FLOOR_MS: u32 = 100;

/// Where the rules say a workload should run. A kind runs on the platform its manifest names as its cost model
/// (`[cost] model`), so the advice can name the kind without knowing any kind by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// A Kubernetes platform the organisation's platform team owns.
    Kubernetes,
    /// Functions, a managed API, queue and database.
    Serverless,
    /// A managed container platform (ECS on Fargate, Cloud Run, App Runner).
    ManagedContainers,
}

impl Platform {
    pub const ALL: [Platform; 3] = [
        Platform::Kubernetes,
        Platform::Serverless,
        Platform::ManagedContainers,
    ];

    /// The `[cost] model` of a kind that runs on this platform.
    pub fn model(self) -> &'static str {
        match self {
            Platform::Kubernetes => "kubernetes",
            Platform::Serverless => "serverless",
            Platform::ManagedContainers => "managed-containers",
        }
    }
}

/// The monthly bills at the stated volume, as the cost model gives them (each container bill includes the
/// operations cost given), and the saving a move must bring.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bills {
    pub serverless_usd: f64,
    pub fargate_usd: f64,
    pub eks_usd: f64,
    /// The smallest monthly saving worth a move, in USD.
    pub min_saving: f64,
}

impl Bills {
    /// A container platform's bill.
    pub fn of(&self, platform: Platform) -> f64 {
        match platform {
            Platform::Kubernetes => self.eks_usd,
            Platform::ManagedContainers => self.fargate_usd,
            Platform::Serverless => self.serverless_usd,
        }
    }

    /// The container platform an organisation can run (`kubernetes`: EKS is among them) with the lowest bill,
    /// managed containers on a tie.
    pub fn cheapest_container(&self, kubernetes: bool) -> Platform {
        if kubernetes && self.eks_usd < self.fargate_usd {
            Platform::Kubernetes
        } else {
            Platform::ManagedContainers
        }
    }

    /// Whether moving to `platform` saves at least the minimum saving.
    pub fn worth_moving_to(&self, platform: Platform) -> bool {
        self.of(platform) <= self.serverless_usd - self.min_saving
    }
}

/// What the rules look at, derived from the answers and the bills (docs/advise.md, "Derived facts").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// A platform team exists and the organisation is large enough to keep it.
    pub can_run_kubernetes: bool,
    /// Something functions cannot do: GPUs, long-lived connections, custom networking, a tight latency budget.
    pub needs_containers: bool,
    pub compliance_isolation: bool,
    /// The cheapest container platform the organisation can run saves at least the minimum saving at the stated
    /// volume.
    pub containers_save: bool,
    /// That platform.
    pub cheapest_container: Platform,
}

impl Facts {
    pub fn of(input: &AdviseInput, bills: &Bills) -> Facts {
        let can_run_kubernetes = input.platform_team && input.team_size >= MIN_TEAM_FOR_PLATFORM;
        let cheapest_container = bills.cheapest_container(can_run_kubernetes);
        Facts {
            can_run_kubernetes,
            needs_containers: input.gpu
                || input.long_lived_connections
                || input.custom_networking
                || input.latency_budget_ms < LATENCY_FLOOR_MS,
            compliance_isolation: input.compliance_isolation,
            containers_save: bills.worth_moving_to(cheapest_container),
            cheapest_container,
        }
    }
}

/// One rule of the table.
pub struct Rule {
    /// `R1`..`R4`, as numbered in docs/advise.md.
    pub id: &'static str,
    /// When it applies, in the words of docs/advise.md's table.
    pub when: &'static str,
    /// Why it stands where it does in the order.
    pub why: &'static str,
    applies: fn(&Facts) -> bool,
    recommends: fn(&Facts) -> Platform,
}

/// Containers: on Kubernetes when someone can own a cluster, otherwise on a managed container platform.
fn containers(f: &Facts) -> Platform {
    if f.can_run_kubernetes {
        Platform::Kubernetes
    } else {
        Platform::ManagedContainers
    }
}

/// The rules, in the order they are tried. The last always applies.
pub const RULES: [Rule; 4] = [
    Rule {
        id: "R1",
        when: "the workload needs containers",
        why: "a hard capability need settles the question whatever the price",
        applies: |f| f.needs_containers,
        recommends: containers,
    },
    Rule {
        id: "R2",
        when: "compliance asks for isolation you control, and the organisation can run Kubernetes",
        why: "isolation an auditor asks for is worth a cluster only when someone can own it; otherwise managed \
              services' own isolation is the answer to take to the auditor",
        applies: |f| f.compliance_isolation && f.can_run_kubernetes,
        recommends: |_| Platform::Kubernetes,
    },
    Rule {
        id: "R3",
        when: "at the stated volume the cheapest container platform you can run saves at least the minimum saving a month",
        why: "cost decides between workloads that could run either way, once the saving is worth a move",
        applies: |f| f.containers_save,
        recommends: |f| f.cheapest_container,
    },
    Rule {
        id: "R4",
        when: "otherwise",
        why: "the simplest thing that will survive wins when nothing argues against it",
        applies: |_| true,
        recommends: |_| Platform::Serverless,
    },
];

/// Which rule decided, and the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub platform: Platform,
    /// `R1`..`R4`, as numbered in docs/advise.md.
    pub rule: &'static str,
}

/// The first rule of [`RULES`] that applies to `input`, with these bills at its volume, decides.
pub fn decide(input: &AdviseInput, bills: &Bills) -> Decision {
    let facts = Facts::of(input, bills);
    let rule = RULES
        .iter()
        .find(|r| (r.applies)(&facts))
        .unwrap_or(&RULES[RULES.len() - 1]);
    Decision {
        platform: (rule.recommends)(&facts),
        rule: rule.id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> AdviseInput {
        AdviseInput::default()
    }

    fn capable() -> AdviseInput {
        AdviseInput {
            platform_team: true,
            team_size: 40,
            ..base()
        }
    }

    /// Serverless is the cheapest.
    const LOW: Bills = Bills {
        serverless_usd: 100.0,
        fargate_usd: 200.0,
        eks_usd: 300.0,
        min_saving: 10.0,
    };

    fn rec(input: &AdviseInput, b: &Bills) -> (Platform, &'static str) {
        let d = decide(input, b);
        (d.platform, d.rule)
    }

    use Platform::*;

    #[test]
    fn r1_container_needs_go_to_kubernetes_with_a_platform_team() {
        for v in [
            AdviseInput {
                gpu: true,
                ..capable()
            },
            AdviseInput {
                long_lived_connections: true,
                ..capable()
            },
            AdviseInput {
                custom_networking: true,
                ..capable()
            },
            AdviseInput {
                latency_budget_ms: 50,
                ..capable()
            },
        ] {
            assert_eq!(rec(&v, &LOW), (Kubernetes, "R1"), "{v:?}");
        }
    }

    #[test]
    fn r1_container_needs_without_a_platform_team_go_to_managed_containers() {
        assert_eq!(
            rec(
                &AdviseInput {
                    gpu: true,
                    ..base()
                },
                &LOW
            ),
            (ManagedContainers, "R1")
        );
        // A platform team in a team of 9 cannot own a cluster.
        let thin = AdviseInput {
            long_lived_connections: true,
            platform_team: true,
            team_size: 9,
            ..base()
        };
        assert_eq!(rec(&thin, &LOW), (ManagedContainers, "R1"));
    }

    #[test]
    fn boundaries_of_team_size_and_latency() {
        let at = |team, latency| AdviseInput {
            gpu: false,
            team_size: team,
            latency_budget_ms: latency,
            ..capable()
        };
        assert_eq!(rec(&at(10, 99), &LOW), (Kubernetes, "R1"));
        assert_eq!(rec(&at(9, 99), &LOW), (ManagedContainers, "R1"));
        assert_eq!(rec(&at(10, 100), &LOW), (Serverless, "R4"));
    }

    #[test]
    fn r2_compliance_needs_a_platform_team() {
        assert_eq!(
            rec(
                &AdviseInput {
                    compliance_isolation: true,
                    ..capable()
                },
                &LOW
            ),
            (Kubernetes, "R2")
        );
        assert_eq!(
            rec(
                &AdviseInput {
                    compliance_isolation: true,
                    ..base()
                },
                &LOW
            ),
            (Serverless, "R4")
        );
    }

    #[test]
    fn r3_moves_to_the_cheapest_container_platform_only_for_the_minimum_saving() {
        let bills = |s: f64, f: f64, e: f64| Bills {
            serverless_usd: s,
            fargate_usd: f,
            eks_usd: e,
            min_saving: 10.0,
        };
        // Fargate at $89.99 saves $10.01 of $100, at least the $10 asked: worth the move. $90.01 saves $9.99: not.
        assert_eq!(
            rec(&base(), &bills(100.0, 89.99, 50.0)),
            (ManagedContainers, "R3")
        );
        assert_eq!(rec(&base(), &bills(100.0, 90.01, 50.0)), (Serverless, "R4"));
        // EKS at $50 is cheaper still, but only a platform team can run it.
        assert_eq!(
            rec(&capable(), &bills(100.0, 89.99, 50.0)),
            (Kubernetes, "R3")
        );
        // With a platform team, EKS dearer than serverless never wins on cost, even when Fargate would not either.
        assert_eq!(
            rec(&capable(), &bills(218.0, 376.0, 376.0)),
            (Serverless, "R4")
        );
        // ... and Fargate cheaper by the margin wins over a dearer EKS.
        assert_eq!(
            rec(&capable(), &bills(218.0, 150.0, 376.0)),
            (ManagedContainers, "R3")
        );
    }

    #[test]
    fn r4_is_the_default() {
        assert_eq!(rec(&base(), &LOW), (Serverless, "R4"));
        let last = &RULES[RULES.len() - 1];
        assert!(
            (last.applies)(&Facts::of(&base(), &LOW)),
            "the last rule always applies"
        );
    }

    #[test]
    fn the_rules_table_of_the_docs_matches_the_code() {
        let docs = include_str!("../../../docs/advise.md");
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.id, format!("R{}", i + 1), "rules are numbered in order");
            let row = format!("| **{}** | {} |", r.id, r.when);
            assert!(docs.contains(&row), "docs/advise.md lacks the row `{row}`");
        }
    }
}
