//! What the kubernetes model reads: the pods' requests and count, the nodes they run on, the team namespace's
//! quota, and for a project's documents the ceiling of the autoscaler and the pods' limits.

pub use super::inputs::INPUTS;
use serde::Serialize;

use crate::cluster::{is_day, minor_of};
use crate::{Values, check_declared, check_range, declared_whole, invalid};
use scaffold_error::Result;

/// The default node size.
pub const DEFAULT_NODE_TYPE: &str = "m7g.large";
/// Share of node capacity kept free by default, for rollouts, spikes and failover.
pub const DEFAULT_HEADROOM: f64 = 0.2;
/// Fewest nodes by default, so a node can fail.
pub const DEFAULT_MIN_NODES: u32 = 2;

/// Add-ons every cluster runs unless told otherwise: names of the price table's `[addons]`.
pub const DEFAULT_ADDONS: &str = "coredns,metrics-server";
/// Architectures the image is built for by default.
pub const DEFAULT_IMAGE_ARCH: &str = "amd64,arm64";

/// The add-on inputs, each a comma-separated list of the price table's add-on names (empty for none): the ones
/// every cluster runs, then one per platform role a kind can bind to the answer that picks it.
pub const ADDON_INPUTS: [&str; 5] = [
    "addons",
    "edge_addon",
    "gitops_addon",
    "secrets_addon",
    "monitoring_addon",
];

/// A team namespace's ResourceQuota: what the team may reserve (requests) and burst to (limits).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamQuota {
    pub requests_cpu_m: u32,
    pub requests_memory_mib: u32,
    pub limits_cpu_m: u32,
    pub limits_memory_mib: u32,
}

impl Default for TeamQuota {
    fn default() -> Self {
        TeamQuota {
            requests_cpu_m: 4_000,
            requests_memory_mib: 8 * 1024,
            limits_cpu_m: 8_000,
            limits_memory_mib: 16 * 1024,
        }
    }
}

/// The workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct K8sInput {
    pub replicas: u32,
    pub cpu_request_m: u32,
    pub memory_request_mib: u32,
    pub node_type: String,
    /// Share of each node's allocatable capacity kept free for rollouts, spikes and failover, 0..0.9.
    pub headroom: f64,
    /// Fewest nodes to run, for availability across zones.
    pub min_nodes: u32,
    /// Average load balancer capacity units in use per hour.
    pub lcu_per_hour: f64,
    /// The cluster's Kubernetes minor version (`1.36`; a patch is ignored); empty for the newest in the price
    /// table's EKS calendar. With `priced_on` it decides the control plane's support tier and price.
    pub kube_version: String,
    /// The day priced, `YYYY-MM-DD`; empty for the day the price table's EKS calendar was read.
    pub priced_on: String,
    /// Architectures the image is built for, in the price table's words (`arm64`, `x86_64`); the node's must be
    /// one of them.
    pub image_arch: Vec<String>,
    /// The add-on inputs, in the order of [`ADDON_INPUTS`]: each a list of add-on names.
    pub addons: Vec<Vec<String>>,
    /// The team namespace's quota; reported in the estimate's `namespace`.
    #[serde(skip)]
    pub quota: TeamQuota,
    /// Clusters the project deploys the same workload to (staging and production: 2), each priced alike.
    pub environments: u32,
}

impl Default for K8sInput {
    fn default() -> Self {
        K8sInput {
            replicas: 2,
            cpu_request_m: 100,
            memory_request_mib: 128,
            node_type: DEFAULT_NODE_TYPE.into(),
            headroom: DEFAULT_HEADROOM,
            min_nodes: DEFAULT_MIN_NODES,
            lcu_per_hour: 1.0,
            kube_version: String::new(),
            priced_on: String::new(),
            image_arch: arch_list(DEFAULT_IMAGE_ARCH).unwrap_or_default(),
            addons: ADDON_INPUTS
                .iter()
                .map(|i| match *i {
                    "addons" => names(DEFAULT_ADDONS),
                    _ => Vec::new(),
                })
                .collect(),
            quota: TeamQuota::default(),
            environments: 1,
        }
    }
}

impl K8sInput {
    /// The workload `values` describe, the model's defaults for what they leave out. Validated.
    pub fn from_values(values: &Values) -> Result<K8sInput> {
        let d = K8sInput::default();
        let q = d.quota.clone();
        let input = K8sInput {
            replicas: declared_whole(&INPUTS, values, "replicas")?.unwrap_or(d.replicas),
            cpu_request_m: cpu(values, "cpu_request")?.unwrap_or(d.cpu_request_m),
            memory_request_mib: memory(values, "memory_request")?.unwrap_or(d.memory_request_mib),
            node_type: values.text("node_type")?.unwrap_or(d.node_type),
            headroom: values.number("headroom")?.unwrap_or(d.headroom),
            min_nodes: declared_whole(&INPUTS, values, "min_nodes")?.unwrap_or(d.min_nodes),
            lcu_per_hour: values.number("lcu_per_hour")?.unwrap_or(d.lcu_per_hour),
            kube_version: match values.text("kube_version")? {
                Some(t) if !t.trim().is_empty() => minor_of(&t).ok_or_else(|| {
                    invalid(
                        "kube_version",
                        format!("'{t}' is not a Kubernetes version (e.g. 1.36 or 1.36.1)"),
                    )
                })?,
                _ => d.kube_version,
            },
            priced_on: match values.text("priced_on")? {
                Some(t) if !t.trim().is_empty() => {
                    let t = t.trim().to_string();
                    if !is_day(&t) {
                        return Err(invalid(
                            "priced_on",
                            format!("'{t}' is not a day: use YYYY-MM-DD, e.g. 2026-12-01"),
                        ));
                    }
                    t
                }
                _ => d.priced_on,
            },
            image_arch: match values.text("image_arch")? {
                Some(t) => arch_list(&t)?,
                None => d.image_arch,
            },
            addons: ADDON_INPUTS
                .iter()
                .zip(d.addons)
                .map(|(name, default)| Ok(values.text(name)?.map(|t| names(&t)).unwrap_or(default)))
                .collect::<Result<_>>()?,
            quota: TeamQuota {
                requests_cpu_m: cpu(values, "team_requests_cpu")?.unwrap_or(q.requests_cpu_m),
                requests_memory_mib: memory(values, "team_requests_memory")?
                    .unwrap_or(q.requests_memory_mib),
                limits_cpu_m: cpu(values, "team_limits_cpu")?.unwrap_or(q.limits_cpu_m),
                limits_memory_mib: memory(values, "team_limits_memory")?
                    .unwrap_or(q.limits_memory_mib),
            },
            environments: declared_whole(&INPUTS, values, "environments")?
                .unwrap_or(d.environments),
        };
        input.validate()?;
        Ok(input)
    }

    /// Every input of the workload as a value, the inverse of [`K8sInput::from_values`].
    pub fn to_values(&self) -> Values {
        let mut v = Values::new();
        v.set("replicas", self.replicas);
        v.set("cpu_request", format!("{}m", self.cpu_request_m));
        v.set("memory_request", format!("{}Mi", self.memory_request_mib));
        v.set("node_type", self.node_type.as_str());
        v.set("headroom", self.headroom);
        v.set("min_nodes", self.min_nodes);
        v.set("lcu_per_hour", self.lcu_per_hour);
        v.set("kube_version", self.kube_version.as_str());
        v.set("priced_on", self.priced_on.as_str());
        v.set("image_arch", self.image_arch.join(","));
        v.set("environments", self.environments);
        for (name, list) in ADDON_INPUTS.iter().zip(&self.addons) {
            v.set(name, list.join(","));
        }
        v.set(
            "team_requests_cpu",
            format!("{}m", self.quota.requests_cpu_m),
        );
        v.set(
            "team_requests_memory",
            format!("{}Mi", self.quota.requests_memory_mib),
        );
        v.set("team_limits_cpu", format!("{}m", self.quota.limits_cpu_m));
        v.set(
            "team_limits_memory",
            format!("{}Mi", self.quota.limits_memory_mib),
        );
        v
    }

    pub fn validate(&self) -> Result<()> {
        // The requests are checked as parsed, in millicores and MiB; the rest as declared.
        check_range(
            "cpu_request",
            self.cpu_request_m as f64,
            1.0,
            512_000.0,
            "a CPU request in millicores",
        )?;
        check_range(
            "memory_request",
            self.memory_request_mib as f64,
            1.0,
            33_554_432.0,
            "a memory request in MiB",
        )?;
        check_declared(&INPUTS, &self.to_values())?;
        Ok(())
    }
}

/// A project's workload as its documents show it: the pods between the autoscaler's floor (`input.replicas`) and
/// ceiling, with the limits each container is given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub input: K8sInput,
    /// The autoscaler's ceiling; never below `input.replicas`.
    pub max_replicas: u32,
    pub cpu_limit_m: u32,
    pub memory_limit_mib: u32,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            input: K8sInput::default(),
            max_replicas: 2,
            cpu_limit_m: 500,
            memory_limit_mib: 256,
        }
    }
}

impl Project {
    /// The project `values` describe, the model's defaults for what they leave out. Validated.
    pub fn from_values(values: &Values) -> Result<Project> {
        let d = Project::default();
        let input = K8sInput::from_values(values)?;
        let max_replicas = declared_whole(&INPUTS, values, "max_replicas")?
            .unwrap_or(d.max_replicas)
            .max(input.replicas);
        Ok(Project {
            max_replicas,
            cpu_limit_m: cpu(values, "cpu_limit")?.unwrap_or(d.cpu_limit_m),
            memory_limit_mib: memory(values, "memory_limit")?.unwrap_or(d.memory_limit_mib),
            input,
        })
    }

    /// Every input as a value, the inverse of [`Project::from_values`].
    pub fn to_values(&self) -> Values {
        let mut v = self.input.to_values();
        v.set("max_replicas", self.max_replicas);
        v.set("cpu_limit", format!("{}m", self.cpu_limit_m));
        v.set("memory_limit", format!("{}Mi", self.memory_limit_mib));
        v
    }
}

/// `a, b,,c` -> `[a, b, c]`.
fn names(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect()
}

/// Image architectures in the price table's words: `amd64` is `x86_64`, `aarch64` is `arm64`.
fn arch_list(text: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for given in names(text) {
        let arch = match given.to_ascii_lowercase().trim_start_matches("linux/") {
            "amd64" | "x86_64" => "x86_64",
            "arm64" | "aarch64" => "arm64",
            _ => {
                return Err(invalid(
                    "image_arch",
                    format!(
                        "'{given}' is not an architecture: use amd64 and/or arm64, e.g. amd64,arm64"
                    ),
                ));
            }
        };
        if !out.iter().any(|a| a == arch) {
            out.push(arch.to_string());
        }
    }
    if out.is_empty() {
        return Err(invalid(
            "image_arch",
            "name at least one architecture the image is built for: amd64, arm64 or amd64,arm64",
        ));
    }
    Ok(out)
}

fn cpu(values: &Values, name: &str) -> Result<Option<u32>> {
    values.text(name)?.map(|t| parse_cpu(name, &t)).transpose()
}

fn memory(values: &Values, name: &str) -> Result<Option<u32>> {
    values
        .text(name)?
        .map(|t| parse_memory(name, &t))
        .transpose()
}

/// Parse a Kubernetes CPU quantity (`100m`, `0.5`, `2`) into millicores; `field` names the input in errors.
pub fn parse_cpu(field: &str, text: &str) -> Result<u32> {
    let t = text.trim();
    let (num, scale) = match t.strip_suffix('m') {
        Some(n) => (n, 1.0),
        None => (t, 1000.0),
    };
    let value: f64 = num.parse().map_err(|_| {
        invalid(
            field,
            format!("'{text}' is not a CPU quantity (e.g. 100m, 0.5 or 2)"),
        )
    })?;
    let milli = value * scale;
    if !(1.0..=512_000.0).contains(&milli) || milli.fract() != 0.0 {
        return Err(invalid(
            field,
            format!("'{text}' must be between 1m and 512 CPUs, in whole millicores"),
        ));
    }
    Ok(milli as u32)
}

/// Parse a Kubernetes memory quantity (`128Mi`, `1Gi`, `512M`, `1G`) into MiB; `field` names the input in errors.
pub fn parse_memory(field: &str, text: &str) -> Result<u32> {
    let t = text.trim();
    let units: [(&str, f64); 6] = [
        ("Ki", 1.0 / 1024.0),
        ("Mi", 1.0),
        ("Gi", 1024.0),
        ("k", 1000.0 / 1_048_576.0),
        ("M", 1_000_000.0 / 1_048_576.0),
        ("G", 1_000_000_000.0 / 1_048_576.0),
    ];
    let (num, scale) = units
        .iter()
        .find_map(|(suffix, scale)| t.strip_suffix(suffix).map(|n| (n, *scale)))
        .ok_or_else(|| {
            invalid(
                field,
                format!("'{text}' needs a unit: Mi or Gi (e.g. 128Mi, 1Gi)"),
            )
        })?;
    let value: f64 = num.parse().map_err(|_| {
        invalid(
            field,
            format!("'{text}' is not a memory quantity (e.g. 128Mi or 1Gi)"),
        )
    })?;
    let mib = (value * scale).ceil();
    if !mib.is_finite() || value <= 0.0 || mib > 33_554_432.0 {
        return Err(invalid(
            field,
            format!("'{text}' must be more than 0 and at most 32Ti"),
        ));
    }
    Ok(mib.max(1.0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_and_bad_ones_are_refused() {
        assert_eq!(parse_cpu("cpu_request", "100m").unwrap(), 100);
        assert_eq!(parse_cpu("cpu_request", "0.5").unwrap(), 500);
        assert_eq!(parse_cpu("cpu_request", "2").unwrap(), 2000);
        assert_eq!(parse_memory("memory_request", "128Mi").unwrap(), 128);
        assert_eq!(parse_memory("memory_request", "1Gi").unwrap(), 1024);
        assert_eq!(parse_memory("memory_request", "1G").unwrap(), 954);
        for bad in ["0", "-1", "abc", "0.0001", "1000000"] {
            assert!(parse_cpu("cpu_request", bad).is_err(), "{bad}");
        }
        for bad in ["128", "-1Gi", "xMi", "0Mi", "64Ti"] {
            assert!(parse_memory("memory_request", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_round_trip_and_name_every_input() {
        let project = Project {
            input: K8sInput {
                replicas: 3,
                cpu_request_m: 250,
                memory_request_mib: 512,
                quota: TeamQuota {
                    requests_cpu_m: 6_000,
                    ..TeamQuota::default()
                },
                ..K8sInput::default()
            },
            max_replicas: 9,
            cpu_limit_m: 1000,
            memory_limit_mib: 1024,
        };
        assert_eq!(Project::from_values(&project.to_values()).unwrap(), project);
        let values = project.to_values();
        let names: Vec<&str> = values.iter().map(|(k, _)| k).collect();
        let mut specs: Vec<&str> = INPUTS.iter().map(|s| s.name.as_ref()).collect();
        specs.sort();
        assert_eq!(names, specs);
        // A ceiling below the floor is raised to it.
        let mut v = Values::new();
        v.set("replicas", 4);
        v.set("max_replicas", 2);
        v.set("team_requests_cpu", "4");
        let p = Project::from_values(&v).unwrap();
        assert_eq!((p.input.replicas, p.max_replicas), (4, 4));
        assert_eq!(p.input.quota.requests_cpu_m, 4_000);
    }

    #[test]
    fn version_day_arch_and_addons_are_read_and_bad_ones_refused() {
        let mut v = Values::new();
        v.set("kube_version", "v1.33.12");
        v.set("priced_on", "2026-12-01");
        v.set("image_arch", "linux/amd64, arm64, amd64");
        v.set("gitops_addon", "flux");
        v.set("addons", "");
        let i = K8sInput::from_values(&v).unwrap();
        assert_eq!(i.kube_version, "1.33");
        assert_eq!(i.image_arch, ["x86_64", "arm64"]);
        assert_eq!(i.addons[2], ["flux"]);
        assert!(i.addons[0].is_empty());
        for (input, bad, says) in [
            ("kube_version", "one.36", "not a Kubernetes version"),
            ("priced_on", "1 Dec 2026", "YYYY-MM-DD"),
            ("image_arch", "riscv64", "amd64 and/or arm64"),
            ("image_arch", " , ", "at least one architecture"),
        ] {
            let mut v = Values::new();
            v.set(input, bad);
            let err = K8sInput::from_values(&v).unwrap_err();
            assert!(
                matches!(&err, scaffold_error::Error::InvalidInput { field, .. } if field == input),
                "{err}"
            );
            assert!(err.to_string().contains(says), "{err}");
        }
    }
}
