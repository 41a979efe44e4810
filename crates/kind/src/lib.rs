//! Kinds as data. A kind is a folder holding `template.toml` (the manifest), `files/` (the project tree) and
//! `presets/`. The same loader reads the templates embedded in the binary and a folder given with
//! `--templates`, so a kind behaves the same from either.

mod declared;
mod format;
mod literals;
mod manifest;
mod partials;
mod question;
mod rules;
mod source;
mod suggest;
mod value;

pub use declared::{DeclaredInput, DeclaredItem, DeclaredModel, UnitPrice};
pub use format::Format;
pub use manifest::{Binding, CostSpec, Manifest};
pub use question::{
    Choice, NAME_MAX_LEN, NAME_PATTERN, QUOTE_CHARS, Question, QuestionType, check_answer,
    check_path_segment, check_type, example_of, int_example, name_question, quoted,
    version_control,
};
pub use rules::{
    Check, Condition, FileRule, OneOrMany, Operand, Relation, check_relations, rule_glob,
};
pub use source::{Catalog, Source};
pub use value::Answer;

use std::borrow::Cow;

/// One file of a kind's `files/` tree.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Path under `files/`, `/`-separated, exactly as stored (with `.hbs` if it has one).
    pub path: String,
    /// Borrowed from the binary for embedded kinds, owned when read from disk.
    pub contents: Cow<'static, [u8]>,
}

impl TemplateFile {
    pub fn is_template(&self) -> bool {
        self.path.ends_with(".hbs")
    }

    /// The path the file rules match: `.hbs` removed, `{{...}}` left as written.
    pub fn logical_path(&self) -> &str {
        self.path.strip_suffix(".hbs").unwrap_or(&self.path)
    }
}

/// A loaded, checked kind.
#[derive(Debug, Clone)]
pub struct Kind {
    pub manifest: Manifest,
    pub files: Vec<TemplateFile>,
    /// Preset name (file stem) and its text.
    pub presets: Vec<(String, String)>,
}

impl Kind {
    pub fn name(&self) -> &str {
        &self.manifest.kind
    }

    /// Every question in the order asked: the project name first, then the manifest's.
    pub fn all_questions(&self) -> Vec<Question> {
        let mut qs = vec![name_question()];
        qs.extend(self.manifest.questions.iter().cloned());
        qs
    }
}
