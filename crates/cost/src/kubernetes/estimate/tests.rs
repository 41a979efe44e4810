//! Tests of the parent module.

use super::super::input::ADDON_INPUTS;
use super::super::platform::addons;
use super::*;

fn prices() -> Prices {
    Prices::embedded().unwrap()
}

fn none() -> Addons {
    Addons::default()
}

/// CoreDNS and metrics-server, the model's default add-ons: 200m + 100m, 140 + 200 MiB, 2 + 1 pods.
fn base() -> Addons {
    addons(
        &prices(),
        &[vec!["coredns".into(), "metrics-server".into()]],
        |_| "addons".into(),
    )
    .unwrap()
}

#[test]
fn reservations_follow_the_eks_ami_formula() {
    assert_eq!(reserved_cpu_m(2.0), 70.0);
    assert_eq!(reserved_cpu_m(4.0), 80.0);
    assert_eq!(reserved_cpu_m(8.0), 90.0);
    let cap = capacity(&prices(), "m7g.large", &none()).unwrap();
    // 2,000 - 70 reserved - 125 DaemonSets
    assert_eq!(cap.allocatable_cpu_m, 1805.0);
    // 8,192 MiB less 7.5 % for the hypervisor = 7,577.6 -> 7,577; less (255 + 11 x 29 = 574) reserved and
    // the 100 MiB eviction threshold: 6,903 MiB, the "about 6,800" of Karpenter's figures before DaemonSets.
    assert_eq!(cap.allocatable_memory_mib, 6903.0);
    assert_eq!(cap.pods, 27);
    assert_eq!(cap.arch, "arm64");
}

#[test]
fn the_default_chart_needs_only_the_minimum_two_nodes() {
    let e = estimate(&prices(), &K8sInput::default()).unwrap();
    assert_eq!(e.fit.nodes, 2);
    assert_eq!(e.fit.bound_by, "minimum");
    // Nodes 2 x 0.0816 x 730 = 119.136; control plane 0.10 x 730 = 73; the Service's NLB 0.0225 x 730 = 16.425
    // + 1 NLCU x 0.006 x 730 = 4.38; public IPv4 (2 for the NLB + 2 nodes) x 730 x 0.005 = 14.60; root volumes
    // 2 x 20 GB x 0.08 = 3.20. Total 230.741.
    let expected = 230.741;
    assert!((e.total_usd - expected).abs() < 1e-9, "{}", e.total_usd);
    assert_eq!(e.largest, "nodes");
    // 2 pods x 100m + 300m of add-ons; 2 x 128 MiB + 340 MiB.
    assert_eq!(e.fit.requested_cpu_m, 500.0);
    assert_eq!(e.fit.requested_memory_mib, 596.0);
}

#[test]
fn cpu_memory_and_pod_limits_each_decide_the_node_count() {
    let p = prices();
    let cap = capacity(&p, "m7g.large", &none()).unwrap();
    let b = base();
    // 1,805 x 0.8 = 1,444m usable per node holds two 500m pods (not 2.9: pods do not span nodes), so 20 pods
    // need 10 nodes; the add-ons' 300m go in the 444m left on the first. Summing requests said 8.
    let f = fit(&cap, 20, 500, 128, 0.2, 2, &b);
    assert_eq!(
        (f.nodes, f.bound_by.as_str(), f.pods_per_node),
        (10, "cpu", 2)
    );
    // 6,903 x 0.8 = 5,522.4 MiB usable holds one 4,096 MiB pod: 10 pods, 10 nodes.
    let f = fit(&cap, 10, 10, 4096, 0.2, 2, &b);
    assert_eq!((f.nodes, f.bound_by.as_str()), (10, "memory"));
    // 100 tiny pods + 3 add-on pods over 27 pod slots: 27 + 27 + 27 + 22 -> 4 nodes.
    let f = fit(&cap, 100, 1, 1, 0.2, 2, &b);
    assert_eq!((f.nodes, f.bound_by.as_str()), (4, "pods"));
}

#[test]
fn a_pod_runs_on_one_node_so_ten_1000m_pods_need_ten_nodes() {
    let p = prices();
    let input = K8sInput {
        replicas: 10,
        cpu_request_m: 1000,
        memory_request_mib: 1024,
        ..K8sInput::default()
    };
    // The kind's add-ons leave 1,755m allocatable on an m7g.large: one 1000m pod to a node, with or without
    // the 20% headroom (1,404m), so 10 replicas are 10 nodes. Summing requests said 9 (7 with no headroom).
    let with = |headroom: f64| {
        let e = estimate(
            &p,
            &K8sInput {
                headroom,
                addons: kind_addons(),
                ..input.clone()
            },
        )
        .unwrap();
        (e.fit.nodes, e.fit.pods_per_node)
    };
    assert_eq!(with(0.2), (10, 1));
    assert_eq!(with(0.0), (10, 1));
    // A pod larger than a node's usable capacity is refused, naming the request.
    let err = estimate(
        &p,
        &K8sInput {
            cpu_request_m: 1500,
            ..input
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, scaffold_error::Error::InvalidInput { field, .. } if field == "cpu_request_m"),
        "{err}"
    );
    assert!(
        err.to_string().contains("does not fit on one m7g.large"),
        "{err}"
    );
}

/// The add-ons of the k8s kind's default platform, in the order of [`ADDON_INPUTS`].
fn kind_addons() -> Vec<Vec<String>> {
    let names = |l: &[&str]| l.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    vec![
        names(&["coredns", "metrics-server"]),
        names(&["envoy-gateway"]),
        names(&["argo-cd"]),
        names(&["external-secrets"]),
        names(&["kube-prometheus-stack"]),
    ]
}

#[test]
fn add_on_requests_take_node_capacity() {
    let p = prices();
    // The kind's default platform: CoreDNS 200m / 140, metrics-server 100m / 200, Envoy Gateway 200m / 768,
    // Argo CD 325m / 768, External Secrets 60m / 192, kube-prometheus-stack 550m / 1,664 and node-exporter
    // 50m / 64 MiB on every node.
    let names = |l: &[&str]| l.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let lists = vec![
        names(&["coredns", "metrics-server"]),
        names(&["envoy-gateway"]),
        names(&["argo-cd"]),
        names(&["external-secrets"]),
        names(&["kube-prometheus-stack"]),
    ];
    let a = addons(&p, &lists, |i| ADDON_INPUTS[i].into()).unwrap();
    // 200 + 100 + 200 + 325 + 60 + 550 = 1,435m; 140 + 200 + 768 + 768 + 192 + 1,664 = 3,732 MiB.
    assert_eq!((a.cpu_m, a.memory_mib), (1435, 3732));
    // 2 + 1 + 2 + 7 + 3 + 5 = 20 pods once, and 1 on every node.
    assert_eq!((a.pods, a.per_node_pods), (20, 1));
    let cap = capacity(&p, "m7g.large", &a).unwrap();
    // 1,805 - 50 = 1,755m; 6,903 - 64 = 6,839 MiB; 27 - 1 = 26 pod slots.
    assert_eq!(
        (cap.allocatable_cpu_m, cap.allocatable_memory_mib, cap.pods),
        (1755.0, 6839.0, 26)
    );
    // 12 pods x 100m + 1,435m = 2,635m in 2 x 1,404m usable: placed largest first, node 1 takes the five
    // 110m Prometheus pods, eight 100m pods and one Argo CD pod (1,396m); node 2 the rest (1,239m): 2 nodes.
    assert_eq!(fit(&cap, 12, 100, 128, 0.2, 2, &a).nodes, 2);
    // 14 pods: 1,400 + 1,435 = 2,835m > 2 x 1,404: 3 nodes, where without add-ons it would be 2.
    let f = fit(&cap, 14, 100, 128, 0.2, 2, &a);
    assert_eq!((f.nodes, f.bound_by.as_str()), (3, "cpu"));
    let bare = capacity(&p, "m7g.large", &none()).unwrap();
    assert_eq!(fit(&bare, 14, 100, 128, 0.2, 2, &none()).nodes, 2);
    // A name twice is counted once; a name the table lacks is refused against its input.
    let twice = addons(&p, &[names(&["flux"]), names(&["flux"])], |_| "x".into()).unwrap();
    assert_eq!(twice.cpu_m, 350);
    let err = addons(&p, &[vec![], names(&["traefik"])], |i| {
        ADDON_INPUTS[i].into()
    })
    .unwrap_err();
    assert!(
        matches!(&err, scaffold_error::Error::InvalidInput { field, .. } if field == "edge_addon"),
        "{err}"
    );
}

#[test]
fn the_control_plane_pays_its_version_s_support_tier_on_the_day_priced() {
    let p = prices();
    let cp_usd = |version: &str, day: &str| {
        let input = K8sInput {
            kube_version: version.into(),
            priced_on: day.into(),
            ..K8sInput::default()
        };
        estimate(&p, &input).map(|e| e.item("control_plane").unwrap().usd)
    };
    // 1.36 on 2026-12-01: standard until 2027-08-02, 0.10 x 730 = 73.
    assert!((cp_usd("1.36", "2026-12-01").unwrap() - 73.0).abs() < 1e-9);
    // 1.33 on 2026-12-01: standard ended 2026-07-29, extended until 2027-07-29: 0.60 x 730 = 438.
    assert!((cp_usd("1.33", "2026-12-01").unwrap() - 438.0).abs() < 1e-9);
    // 1.34: 2026-12-02 is its last standard day, 2026-12-03 its first extended one.
    assert!((cp_usd("1.34", "2026-12-02").unwrap() - 73.0).abs() < 1e-9);
    assert!((cp_usd("1.34", "2026-12-03").unwrap() - 438.0).abs() < 1e-9);
    // No version and no day: the newest in the calendar on the day it was read.
    let cp = control_plane(&p, "", "").unwrap();
    assert_eq!(
        (cp.version.as_str(), cp.priced_on.as_str()),
        ("1.36", "2026-12-01")
    );
    assert_eq!(cp.tier, SupportTier::Standard);
    // 1.31 left extended support on 2026-11-26; 1.36 was not on EKS before 2026-06-02; 1.37 is not listed.
    for (version, day, says) in [
        (
            "1.31",
            "2026-12-01",
            "left EKS extended support on 2026-11-26",
        ),
        ("1.36", "2026-05-01", "not on EKS yet"),
        (
            "1.37",
            "2026-12-01",
            "not in the price table's EKS calendar",
        ),
    ] {
        let err = cp_usd(version, day).unwrap_err();
        assert!(
            matches!(&err, scaffold_error::Error::InvalidInput { field, .. } if field == "kube_version"),
            "{err}"
        );
        assert!(err.to_string().contains(says), "{err}");
    }
}

#[test]
fn the_node_must_run_the_image_s_architecture() {
    let p = prices();
    let amd64_only = K8sInput {
        image_arch: vec!["x86_64".into()],
        ..K8sInput::default()
    };
    let err = estimate(&p, &amd64_only).unwrap_err();
    assert!(
        err.to_string().contains("m7g.large is an arm64 node"),
        "{err}"
    );
    let x86 = K8sInput {
        node_type: "m6i.large".into(),
        ..amd64_only
    };
    // 2 x 0.096 x 730 = 140.16 for the x86_64 nodes.
    let e = estimate(&p, &x86).unwrap();
    assert!((e.item("nodes").unwrap().usd - 140.16).abs() < 1e-9);
    // A multi-arch image (the default) runs on either.
    assert!(estimate(&p, &K8sInput::default()).is_ok());
}

#[test]
fn namespace_cost_uses_the_dominant_resource() {
    let e = estimate(&prices(), &K8sInput::default()).unwrap();
    // 4 CPUs of 1,805m allocatable dominates 8 GiB of 7,518 MiB.
    let share = 4000.0 / 1805.0;
    assert!((e.namespace.quota_node_share - share).abs() < 1e-12);
    assert!((e.namespace.quota_usd - share * 0.0816 * 730.0).abs() < 1e-9);
    assert_eq!(e.namespace.overcommit_cpu, 2.0);
    assert!(e.namespace.workload_usd < e.namespace.quota_usd);
}

#[test]
fn an_unknown_node_or_no_replicas_is_refused() {
    let e = estimate(
        &prices(),
        &K8sInput {
            node_type: "z9.huge".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("m7g.large"), "{e}");
    assert!(
        estimate(
            &prices(),
            &K8sInput {
                replicas: 0,
                ..Default::default()
            }
        )
        .is_err()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(64))]
    /// Whatever the requests, no node holds more pods than fit on it: the node count is at least the pods over
    /// the pods one node holds, at least the floor, and at least the summed requests over one node's room.
    #[test]
    fn nodes_are_never_fewer_than_the_pods_that_fit_per_node(
        pods in 1u32..400,
        cpu in 1u32..1700,
        mem in 1u32..6000,
        headroom in 0.0f64..0.5,
        min_nodes in 1u32..5,
        with_addons in proptest::bool::ANY,
    ) {
        let p = prices();
        let a = if with_addons { base() } else { none() };
        let cap = capacity(&p, "m7g.large", &a).unwrap();
        let f = fit(&cap, pods, cpu, mem, headroom, min_nodes, &a);
        proptest::prop_assume!(f.pods_per_node > 0);
        let per_node = f.pods_per_node;
        proptest::prop_assert!(f.nodes >= pods.div_ceil(per_node), "{f:?}");
        proptest::prop_assert!(f.nodes >= min_nodes);
        let room = cap.allocatable_cpu_m * (1.0 - headroom);
        proptest::prop_assert!(f64::from(f.nodes) * room + 1e-6 >= f.requested_cpu_m, "{f:?}");
        // And never more than one node per pod beyond what the add-ons need.
        proptest::prop_assert!(f.nodes <= min_nodes.max(pods.div_ceil(per_node) + a.pods), "{f:?}");
    }
}
