//! From a platform to a kind: the rules recommend a [`Platform`]; the kind to generate is the one of the
//! catalog whose manifest declares that platform as its cost model (`[cost] model = "serverless"`). No kind is
//! known here by name, so a catalog with other kinds gets advice naming them.

use serde::{Serialize, Serializer};

use super::rules::Platform;
use scaffold_kind::{Catalog, Kind};

/// The first kind of `catalog` (catalogs are sorted by name) whose `[cost] model` is `platform`'s.
pub fn kind_for(catalog: &Catalog, platform: Platform) -> Option<&Kind> {
    catalog.kinds.iter().find(|k| {
        k.manifest
            .cost
            .as_ref()
            .is_some_and(|c| c.model == platform.model())
    })
}

/// What the advice recommends: the platform the rules chose, and the kind that runs on it, if the catalog has
/// one. It serialises as [`Recommendation::name`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub platform: Platform,
    pub kind: Option<String>,
}

impl Recommendation {
    pub fn of(platform: Platform, catalog: &Catalog) -> Recommendation {
        Recommendation {
            platform,
            kind: kind_for(catalog, platform).map(|k| k.name().to_string()),
        }
    }

    /// The kind's name, or the platform's model when no kind runs on it (`managed-containers`).
    pub fn name(&self) -> &str {
        self.kind.as_deref().unwrap_or(self.platform.model())
    }
}

impl Serialize for Recommendation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold_kind::{Manifest, Source};

    fn kind(name: &str, model: Option<&str>) -> Kind {
        let cost = model
            .map(|m| format!("[cost]\nmodel = \"{m}\"\n"))
            .unwrap_or_default();
        let manifest: Manifest = toml::from_str(&format!(
            "kind = \"{name}\"\ndescription = \"d\"\nwhen_to_use = \"w\"\n{cost}"
        ))
        .unwrap();
        Kind {
            manifest,
            files: Vec::new(),
            presets: Vec::new(),
        }
    }

    #[test]
    fn the_kind_is_the_one_whose_manifest_declares_the_platform() {
        let catalog = Catalog {
            kinds: vec![
                kind("a-plain", None),
                kind("b-functions", Some("serverless")),
                kind("c-cluster", Some("kubernetes")),
                kind("d-functions-too", Some("serverless")),
            ],
        };
        let name = |p| Recommendation::of(p, &catalog).name().to_string();
        assert_eq!(name(Platform::Serverless), "b-functions", "the first one");
        assert_eq!(name(Platform::Kubernetes), "c-cluster");
        assert_eq!(name(Platform::ManagedContainers), "managed-containers");
        let none = Catalog { kinds: Vec::new() };
        assert_eq!(
            Recommendation::of(Platform::Kubernetes, &none).name(),
            "kubernetes"
        );
        assert_eq!(
            serde_json::to_value(Recommendation::of(Platform::Kubernetes, &catalog)).unwrap(),
            "c-cluster"
        );
    }

    #[test]
    fn the_built_in_kinds_declare_their_platforms() {
        let catalog = Catalog::load(&Source::Embedded).unwrap();
        let name = |p| Recommendation::of(p, &catalog).name().to_string();
        assert_eq!(name(Platform::Kubernetes), "k8s-platform");
        assert_eq!(name(Platform::Serverless), "serverless-webhook");
        assert_eq!(name(Platform::ManagedContainers), "managed-containers");
    }
}
