//! The cluster tables of a price table: the EKS support calendar (which decides the control plane's price for a
//! Kubernetes version on a given day) and the cluster add-ons with the requests their pods make (which take node
//! capacity from workloads). Both are data; no version or add-on is named in code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// When EKS supports a Kubernetes minor version. Dates are `YYYY-MM-DD`; an end date is the last day of its tier.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EksVersion {
    pub released: String,
    pub end_of_standard: String,
    pub end_of_extended: String,
}

/// The calendar, with the day it was read.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EksCalendar {
    pub as_of: String,
    pub source: String,
    pub versions: BTreeMap<String, EksVersion>,
}

/// Which price a version's control plane pays on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportTier {
    Standard,
    Extended,
}

impl SupportTier {
    /// The price table key of the tier's control-plane price.
    pub fn price_key(self) -> &'static str {
        match self {
            SupportTier::Standard => "eks_control_plane",
            SupportTier::Extended => "eks_control_plane_extended",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SupportTier::Standard => "standard",
            SupportTier::Extended => "extended",
        }
    }
}

/// Where a version stands on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Not yet released on EKS.
    Unreleased,
    Supported(SupportTier),
    /// Past the end of extended support: EKS upgrades such clusters itself.
    Ended,
}

impl EksVersion {
    /// The version's standing on `day` (`YYYY-MM-DD`, already checked).
    pub fn standing(&self, day: &str) -> Standing {
        if day < self.released.as_str() {
            Standing::Unreleased
        } else if day <= self.end_of_standard.as_str() {
            Standing::Supported(SupportTier::Standard)
        } else if day <= self.end_of_extended.as_str() {
            Standing::Supported(SupportTier::Extended)
        } else {
            Standing::Ended
        }
    }
}

/// A cluster add-on: what its pods request once per cluster, and what its DaemonSet pod requests on every node.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Addon {
    pub label: String,
    pub cpu_m: u32,
    pub memory_mib: u32,
    pub pods: u32,
    #[serde(default)]
    pub per_node_cpu_m: u32,
    #[serde(default)]
    pub per_node_memory_mib: u32,
    pub as_of: String,
    pub source: String,
}

impl Addon {
    /// Pods the add-on runs on every node: one when it has a DaemonSet.
    pub fn per_node_pods(&self) -> u32 {
        u32::from(self.per_node_cpu_m > 0 || self.per_node_memory_mib > 0)
    }
}

/// Whether `text` is a calendar day `YYYY-MM-DD` (month 1-12, day 1-31), so that days compare as text.
pub fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return false;
    }
    if !digits(8..10) {
        return false;
    }
    let month: u32 = text[5..7].parse().unwrap_or(0);
    let day: u32 = text[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Problems of a calendar, each naming its field.
pub(crate) fn check_calendar(calendar: &EksCalendar) -> Result<(), String> {
    if !is_day(&calendar.as_of) {
        return Err(format!(
            "eks_calendar.as_of must be a day like 2026-12-01 (found \"{}\")",
            calendar.as_of
        ));
    }
    if calendar.source.trim().is_empty() {
        return Err("eks_calendar.source must say where the calendar was read".into());
    }
    if calendar.versions.is_empty() {
        return Err("eks_calendar.versions needs at least one version".into());
    }
    for (name, v) in &calendar.versions {
        let field = format!("eks_calendar.versions.\"{name}\"");
        if !is_minor(name) {
            return Err(format!("{field} must be a minor version like \"1.36\""));
        }
        for (key, day) in [
            ("released", &v.released),
            ("end_of_standard", &v.end_of_standard),
            ("end_of_extended", &v.end_of_extended),
        ] {
            if !is_day(day) {
                return Err(format!(
                    "{field}.{key} must be a day like 2026-12-01 (found \"{day}\")"
                ));
            }
        }
        if !(v.released < v.end_of_standard && v.end_of_standard < v.end_of_extended) {
            return Err(format!(
                "{field}: released, end_of_standard and end_of_extended must come in that order"
            ));
        }
    }
    Ok(())
}

/// Problems of an add-on table, each naming its field.
pub(crate) fn check_addons(addons: &BTreeMap<String, Addon>) -> Result<(), String> {
    for (name, a) in addons {
        let field = format!("addons.{name}");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!(
                "{field}: an add-on name uses lowercase letters, digits and '-' only"
            ));
        }
        if a.label.trim().is_empty() {
            return Err(format!("{field}.label must not be empty"));
        }
        if a.cpu_m > 64_000 || a.memory_mib > 262_144 || a.pods > 1000 {
            return Err(format!(
                "{field}: cpu_m, memory_mib or pods is beyond any add-on (64 CPUs, 256 GiB, 1,000 pods)"
            ));
        }
        if a.per_node_cpu_m > 8_000 || a.per_node_memory_mib > 16_384 {
            return Err(format!(
                "{field}: per_node_cpu_m or per_node_memory_mib is beyond any DaemonSet (8 CPUs, 16 GiB)"
            ));
        }
        if a.pods == 0 && a.per_node_pods() == 0 {
            return Err(format!(
                "{field} runs no pod: give pods or per_node_* requests"
            ));
        }
        if !is_day(&a.as_of) && a.as_of.len() != 4 && a.as_of.len() != 7 {
            return Err(format!(
                "{field}.as_of must be a date like 2026, 2026-03 or 2026-03-01"
            ));
        }
        if a.source.trim().is_empty() {
            return Err(format!(
                "{field}.source must say where the requests come from (or \"estimate: ...\")"
            ));
        }
    }
    Ok(())
}

/// `1.36`: a major and a minor number.
fn is_minor(text: &str) -> bool {
    let mut parts = text.split('.');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// The minor version of `1.36`, `1.36.1` or `v1.36.1`, if it is one.
pub fn minor_of(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches('v');
    let mut parts = t.split('.');
    let minor = format!("{}.{}", parts.next()?, parts.next()?);
    let patch_ok = parts
        .next()
        .is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    (is_minor(&minor) && patch_ok && parts.next().is_none()).then_some(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v136() -> EksVersion {
        EksVersion {
            released: "2026-06-02".into(),
            end_of_standard: "2027-08-02".into(),
            end_of_extended: "2028-08-02".into(),
        }
    }

    #[test]
    fn a_day_is_in_one_tier_and_end_dates_are_inclusive() {
        let v = v136();
        assert_eq!(v.standing("2026-06-01"), Standing::Unreleased);
        assert_eq!(
            v.standing("2026-06-02"),
            Standing::Supported(SupportTier::Standard)
        );
        assert_eq!(
            v.standing("2027-08-02"),
            Standing::Supported(SupportTier::Standard)
        );
        assert_eq!(
            v.standing("2027-08-03"),
            Standing::Supported(SupportTier::Extended)
        );
        assert_eq!(
            v.standing("2028-08-02"),
            Standing::Supported(SupportTier::Extended)
        );
        assert_eq!(v.standing("2028-08-03"), Standing::Ended);
    }

    #[test]
    fn days_and_versions_are_checked() {
        assert!(is_day("2026-12-01"));
        for bad in [
            "2026-12",
            "2026-13-01",
            "2026-12-32",
            "26-12-01",
            "2026/12/01",
            "2026-1-01",
        ] {
            assert!(!is_day(bad), "{bad}");
        }
        assert_eq!(minor_of("1.36.1").as_deref(), Some("1.36"));
        assert_eq!(minor_of("v1.33").as_deref(), Some("1.33"));
        for bad in ["1", "1.x", "1.36.1.2", "", "1..3"] {
            assert_eq!(minor_of(bad), None, "{bad}");
        }
        let mut cal = EksCalendar {
            as_of: "2026-12-01".into(),
            source: "s".into(),
            versions: BTreeMap::from([("1.36".to_string(), v136())]),
        };
        assert!(check_calendar(&cal).is_ok());
        cal.versions.get_mut("1.36").unwrap().end_of_standard = "2029-01-01".into();
        let err = check_calendar(&cal).unwrap_err();
        assert!(err.contains("eks_calendar.versions.\"1.36\""), "{err}");
    }
}
