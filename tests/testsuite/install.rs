//! The README's install section, Cargo.toml's package metadata and the release workflow describe one thing:
//! the package name, the minimum Rust, the platforms built and the archive each release attaches. These tests
//! hold the three to each other, so a renamed archive or a new rust-version cannot leave the README behind.

use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

struct Package {
    name: String,
    version: String,
    rust_version: String,
    repository: String,
    binstall: toml::Table,
}

fn package() -> Package {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml parses");
    let package = manifest["package"].as_table().expect("[package]");
    let shared = manifest["workspace"]["package"]
        .as_table()
        .expect("[workspace.package]");
    // A field may be the package's own or inherited from [workspace.package] (`key.workspace = true`).
    let text = |key: &str| {
        let own = package.get(key);
        let inherited = own
            .and_then(|v| v.get("workspace"))
            .and_then(toml::Value::as_bool)
            == Some(true);
        if inherited { shared.get(key) } else { own }
            .and_then(toml::Value::as_str)
            .unwrap_or_else(|| panic!("Cargo.toml [package] has no {key}"))
            .to_string()
    };
    for key in ["description", "license", "readme"] {
        text(key);
    }
    let binstall = package
        .get("metadata")
        .and_then(|m| m.get("binstall"))
        .and_then(toml::Value::as_table)
        .expect("Cargo.toml has [package.metadata.binstall]")
        .clone();
    Package {
        name: text("name"),
        version: text("version"),
        rust_version: text("rust-version"),
        repository: text("repository"),
        binstall,
    }
}

/// The README from `## Install` to the next `## ` heading.
fn install_section() -> String {
    let readme = read("README.md");
    let start = readme
        .find("\n## Install\n")
        .expect("README has an `## Install` section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

/// What the release workflow builds: its targets and the archive name, with `$VERSION` and `$TARGET` left in.
struct Release {
    targets: Vec<String>,
    archive_dir: String,
}

fn release() -> Release {
    let docs = YamlLoader::load_from_str(&read(".github/workflows/release.yml"))
        .expect("release.yml parses");
    let build = &docs[0]["jobs"]["build"];
    let targets: Vec<String> = build["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("the build job has a matrix of targets")
        .iter()
        .map(|entry| entry["target"].as_str().expect("a target").to_string())
        .collect();
    let package = build["steps"]
        .as_vec()
        .expect("build steps")
        .iter()
        .find(|step| step["name"].as_str() == Some("package"))
        .and_then(|step| step["run"].as_str())
        .expect("the build job has a `package` step")
        .to_string();
    let archive_dir = package
        .lines()
        .find_map(|line| line.trim().strip_prefix("name=\""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the package step sets name=\"...\"")
        .to_string();
    // The archive is $name.tar.gz holding $name/scaffold, with $name.tar.gz.sha256 beside it.
    for needed in [
        r#"cp "target/$TARGET/release/scaffold""#,
        r#""dist/$name/""#,
        r#"tar -C dist -czf "dist/$name.tar.gz" "$name""#,
        r#"shasum -a 256 "$name.tar.gz" >"$name.tar.gz.sha256""#,
    ] {
        assert!(
            package.contains(needed),
            "release.yml's package step no longer runs `{needed}`:\n{package}"
        );
    }
    Release {
        targets,
        archive_dir,
    }
}

fn expand(pattern: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(pattern.to_string(), |out, (key, value)| {
        out.replace(key, value)
    })
}

#[test]
fn binstall_metadata_names_the_archive_the_release_workflow_attaches() {
    let package = package();
    let release = release();
    let field = |key: &str| {
        package
            .binstall
            .get(key)
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(field("pkg-fmt"), "tgz", "release.yml packs tar.gz archives");
    assert!(!release.targets.is_empty());
    for target in &release.targets {
        let dir = expand(
            &release.archive_dir,
            &[("$VERSION", &package.version), ("$TARGET", target)],
        );
        // The release is the tag v<version> (release.yml refuses any other tag).
        let url = format!(
            "{}/releases/download/v{}/{dir}.tar.gz",
            package.repository, package.version
        );
        let vars = [
            ("{ repo }", package.repository.as_str()),
            ("{ version }", package.version.as_str()),
            ("{ target }", target.as_str()),
            ("{ bin }", "scaffold"),
            ("{ binary-ext }", ""),
        ];
        assert_eq!(
            expand(&field("pkg-url"), &vars),
            url,
            "binstall pkg-url for {target}"
        );
        assert_eq!(
            expand(&field("bin-dir"), &vars),
            format!("{dir}/scaffold"),
            "binstall bin-dir for {target}"
        );
    }
}

#[test]
fn readme_install_section_matches_the_package_and_the_release() {
    let package = package();
    let release = release();
    let section = install_section();
    let missing = |needle: &str| !section.contains(needle);

    for command in [
        format!("cargo binstall {}", package.name),
        format!("cargo install --locked {}", package.name),
        format!(
            "cargo install --locked --git {} {}",
            package.repository, package.name
        ),
    ] {
        assert!(
            !missing(&command),
            "the README's install section lacks `{command}`:\n{section}"
        );
    }
    let rust = format!("Rust {} or newer", package.rust_version);
    assert!(
        !missing(&rust),
        "the README's install section does not say `{rust}` (Cargo.toml rust-version)"
    );
    assert!(
        !missing("on Windows use WSL"),
        "the README must say plainly that Windows means WSL"
    );
    for target in &release.targets {
        assert!(
            !missing(&format!("`{target}`")),
            "the README does not list the release target {target}"
        );
    }

    // The download by hand: the URLs, once its variables are set, are the ones binstall and the release use.
    let vars_line = section
        .lines()
        .find(|line| line.starts_with("version="))
        .expect("the README sets version= and target= for the download by hand");
    let setting = |key: &str| {
        vars_line
            .split_whitespace()
            .find_map(|word| word.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("`{vars_line}` sets no {key}"))
            .to_string()
    };
    let (version, target) = (setting("version"), setting("target"));
    assert_eq!(
        version, package.version,
        "the README downloads another version than Cargo.toml's"
    );
    assert!(
        release.targets.contains(&target),
        "the README downloads {target}, which release.yml does not build"
    );
    let dir = expand(
        &release.archive_dir,
        &[("$VERSION", &version), ("$TARGET", &target)],
    );
    let urls: Vec<String> = section
        .lines()
        .filter_map(|line| line.strip_prefix("curl -fsSLO "))
        .map(|url| {
            expand(
                url.trim_matches('"'),
                &[("$version", &version), ("$target", &target)],
            )
        })
        .collect();
    let base = format!(
        "{}/releases/download/v{version}/{dir}.tar.gz",
        package.repository
    );
    assert_eq!(
        urls,
        [base.clone(), format!("{base}.sha256")],
        "the README's download URLs"
    );
    for step in [
        format!("shasum -a 256 -c \"{}.tar.gz.sha256\"", release.archive_dir),
        format!("tar -xzf \"{}.tar.gz\"", release.archive_dir),
        format!("\"{}/scaffold\"", release.archive_dir),
    ] {
        let step = expand(&step, &[("$VERSION", "$version"), ("$TARGET", "$target")]);
        assert!(
            !missing(&step),
            "the README's download by hand lacks `{step}`"
        );
    }
}

#[test]
fn ci_builds_with_the_rust_version_cargo_toml_promises() {
    let package = package();
    let docs = YamlLoader::load_from_str(&read(".github/workflows/ci.yml")).expect("ci.yml parses");
    let toolchains: Vec<String> = docs[0]["jobs"]
        .as_hash()
        .expect("jobs")
        .values()
        .flat_map(|job| job["steps"].as_vec().cloned().unwrap_or_default())
        .filter(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("dtolnay/rust-toolchain@"))
        })
        .filter_map(|step| match &step["with"]["toolchain"] {
            Yaml::String(s) => Some(s.clone()),
            Yaml::Real(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(
        toolchains.contains(&package.rust_version),
        "no CI job builds with Rust {} (Cargo.toml rust-version); toolchains: {toolchains:?}",
        package.rust_version
    );
}
