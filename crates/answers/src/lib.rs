//! Answers: the values a project is generated from, where they come from, and the answers file that records
//! them. Layers, lowest first: question defaults, the answers file, `--set`, then whatever a prompter asks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use scaffold_error::{Error, Result};
use scaffold_kind::{Answer, Check, Kind, Question, QuestionType, check_answer, check_relations};

pub mod config;
pub mod file;
pub mod parse;

pub use file::AnswersFile;
pub use parse::{from_toml, parse_answer};

/// The version of scaffold that reads and writes answers files.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Validated answers in question order (for a kind, `name` first).
#[derive(Debug, Clone, Default)]
pub struct Answers {
    entries: Vec<(String, Answer)>,
    /// Keys whose answer is a templated default rendered from other answers (`{{name}}.127.0.0.1.nip.io`), not
    /// given: the record lists them apart, so generating again derives them again.
    derived: BTreeSet<String>,
    /// What the binary should tell the user about how the answers were settled (an answers file from another
    /// scaffold version, ...). The library does not print them.
    notes: Vec<String>,
}

/// The same answers, derived from the same places; notes are about how they were read, not what they are.
impl PartialEq for Answers {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries && self.derived == other.derived
    }
}

impl Eq for Answers {}

impl Answers {
    pub fn get(&self, key: &str) -> Option<&Answer> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn name(&self) -> &str {
        match self.get("name") {
            Some(Answer::Str(s)) => s,
            _ => "",
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether `key`'s answer was derived from other answers (a templated default) rather than given.
    pub fn is_derived(&self, key: &str) -> bool {
        self.derived.contains(key)
    }

    /// Warnings about how the answers were settled, for the binary to print.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Sets `key` to an answer given by the user, in place of a settled or derived one: for answers not settled
    /// as a whole yet, such as those a wizard has so far.
    pub fn give(&mut self, key: &str, value: Answer) {
        self.derived.remove(key);
        self.insert(key, value);
    }

    /// Keeps the first `len` answers: those settled before the question asked again.
    fn truncate(&mut self, len: usize) {
        for (key, _) in self.entries.drain(len.min(self.entries.len())..) {
            self.derived.remove(&key);
        }
    }

    pub(crate) fn insert(&mut self, key: &str, value: Answer) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// The answers as a JSON object, the base of the template context.
    pub fn to_json_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.entries
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect()
    }

    /// The text of `.scaffold/answers.toml`: enough to generate the same project again. `comment` lines open
    /// the file as TOML comments (the binary says there how to use the file). Given answers go under
    /// `[answers]`; derived ones under `[derived]`, which is informational: reading the file derives them again
    /// from the given answers, so the same file gives the same project and a changed name a changed host.
    pub fn to_file(&self, kind: &str, version: &str, comment: &[String]) -> String {
        let mut out = String::new();
        for line in comment {
            // TOML allows no control character but tab in a comment: a newline would end it.
            let line: String = line
                .chars()
                .map(|c| match c {
                    '\t' => " ".to_string(),
                    c if c.is_control() => c.escape_unicode().to_string(),
                    c => c.to_string(),
                })
                .collect();
            out.push_str(format!("# {line}").trim_end());
            out.push('\n');
        }
        out.push_str(&format!("kind = {}\n", toml::Value::String(kind.into())));
        out.push_str(&format!(
            "scaffold_version = {}\n\n[answers]\n",
            toml::Value::String(version.into())
        ));
        for (k, v) in self.entries.iter().filter(|(k, _)| !self.is_derived(k)) {
            out.push_str(&format!("{k} = {}\n", record_value(v)));
        }
        if !self.derived.is_empty() {
            out.push_str(
                "\n# Derived from the answers above by each question's default. Informational: reading this file\n\
                 # derives them again; to fix one, move it under [answers].\n[derived]\n",
            );
            for (k, v) in self.entries.iter().filter(|(k, _)| self.is_derived(k)) {
                out.push_str(&format!("{k} = {}\n", record_value(v)));
            }
        }
        out
    }
}

/// An answer as the answers file records it: strings through the `toml` helper, so the record holds only
/// printable characters, like every file the templates write.
fn record_value(v: &Answer) -> String {
    match v {
        Answer::Str(s) => scaffold_engine::helpers::toml(s),
        other => other.to_toml(),
    }
}

/// Where the answers given before any prompting come from.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub file: Option<(PathBuf, AnswersFile)>,
    /// `--set KEY=VALUE` pairs, in order; a later one wins.
    pub sets: Vec<(String, String)>,
}

/// Asks for answers nobody gave. The binary's wizard implements it; the library never prompts itself.
pub trait Prompter {
    /// Ask `question`; `default` is the value Enter accepts, `so_far` the answers already settled. Returning
    /// [`Error::Back`] asks the question asked before this one again (this one again, if it is the first).
    fn ask(
        &mut self,
        question: &Question,
        default: Option<&Answer>,
        so_far: &Answers,
    ) -> Result<Answer>;
}

/// Settles every answer for `kind`: defaults, then the file, then `--set`, then `prompter` for what is still
/// open (or an error naming the question when there is no prompter). Everything is validated.
pub fn resolve(kind: &Kind, given: &Given, prompter: Option<&mut dyn Prompter>) -> Result<Answers> {
    let questions = kind.all_questions();
    let mut explicit: BTreeMap<String, Answer> = BTreeMap::new();
    let mut notes = Vec::new();
    if let Some((path, file)) = &given.file {
        if let Some(k) = &file.kind
            && k != &kind.manifest.kind
        {
            return Err(Error::AnswersForAnotherKind {
                path: path.clone(),
                recorded: k.clone(),
                asked: kind.manifest.kind.clone(),
            });
        }
        let other_version = file.scaffold_version.as_deref().filter(|v| *v != VERSION);
        let mut changed = Vec::new();
        for (key, value) in &file.answers {
            let read = match questions.iter().find(|q| &q.key == key) {
                None => Err(format!(
                    "`{key}` is not a question of kind {}; its questions are: {}",
                    kind.manifest.kind,
                    known(&questions)
                )),
                Some(q) => from_toml(q, value).map_err(|message| format!("`{key}`: {message}")),
            };
            match read {
                Ok(answer) => {
                    explicit.insert(key.clone(), answer);
                }
                Err(message) if other_version.is_none() => {
                    return Err(Error::AnswersFile {
                        path: path.clone(),
                        message,
                    });
                }
                Err(message) => changed.push(message),
            }
        }
        if let Some(v) = other_version {
            if !changed.is_empty() {
                return Err(Error::AnswersFile {
                    path: path.clone(),
                    message: format!(
                        "it was written by scaffold {v}, and kind {}'s questions have changed since (this is \
                         {VERSION}); fix or remove these answers:\n  {}",
                        kind.manifest.kind,
                        changed.join("\n  ")
                    ),
                });
            }
            let new: Vec<&str> = questions
                .iter()
                .map(|q| q.key.as_str())
                .filter(|k| !file.answers.contains_key(*k) && !file.derived.contains_key(*k))
                .collect();
            let unanswered = if new.is_empty() {
                String::new()
            } else {
                format!(
                    "; it does not answer {}, which take their defaults unless given",
                    new.join(", ")
                )
            };
            notes.push(format!(
                "answers file {}: written by scaffold {v}, read by {VERSION}{unanswered}. Check the result",
                path.display()
            ));
        }
    }
    explicit.extend(parse_given(&questions, kind.name(), &given.sets)?);
    let mut answers = settle(&questions, &kind.manifest.checks, explicit, prompter)?;
    answers.notes = notes;
    Ok(answers)
}

fn known(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| q.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses answers given as text, `KEY=VALUE` pairs as `--set` gives them, each with its question's parser; a
/// later pair for the same key wins. `owner` names whose questions these are, for the error on an unknown key.
pub fn parse_given(
    questions: &[Question],
    owner: &str,
    pairs: &[(String, String)],
) -> Result<BTreeMap<String, Answer>> {
    let mut out = BTreeMap::new();
    for (key, raw) in pairs {
        let q = questions
            .iter()
            .find(|q| &q.key == key)
            .ok_or_else(|| Error::UnknownKey {
                key: key.clone(),
                kind: owner.to_string(),
                known: known(questions),
            })?;
        let answer = parse_answer(q, raw).map_err(|message| Error::InvalidAnswer {
            key: key.clone(),
            message,
        })?;
        out.insert(key.clone(), answer);
    }
    Ok(out)
}

/// Settles an answer to each of `questions`, in order: the one in `explicit` (answers already parsed for these
/// questions), else what `prompter` is asked, else the default (a string default is rendered with the answers
/// before it), else an empty optional string, else [`Error::MissingAnswer`]. Each answer is checked against its
/// question, then all of them against `checks`. A prompter that goes back is asked its previous question again,
/// with the answers after it dropped.
pub fn settle(
    questions: &[Question],
    checks: &[Check],
    explicit: BTreeMap<String, Answer>,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<Answers> {
    let mut answers = Answers::default();
    // The questions the prompter answered, in order: where going back goes.
    let mut prompted: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(q) = questions.get(i) {
        let default = match &q.default {
            Some(Answer::Str(s)) if s.contains("{{") => {
                Some(Answer::Str(scaffold_engine::render_str(
                    s,
                    &serde_json::Value::Object(answers.to_json_map()),
                    &format!("the default of `{}`", q.key),
                )?))
            }
            other => other.clone(),
        };
        let templated = matches!(&q.default, Some(Answer::Str(s)) if s.contains("{{"));
        let answer = if let Some(a) = explicit.get(&q.key) {
            a.clone()
        } else if let Some(p) = prompter.as_deref_mut() {
            let a = match p.ask(q, default.as_ref(), &answers) {
                Err(Error::Back) => {
                    if let Some(previous) = prompted.pop() {
                        i = previous;
                        answers.truncate(previous);
                    }
                    continue;
                }
                other => other?,
            };
            prompted.push(i);
            // Accepting a derived default at a prompt leaves it derived.
            if templated && Some(&a) == default.as_ref() {
                answers.derived.insert(q.key.clone());
            }
            a
        } else if let Some(d) = default {
            if templated {
                answers.derived.insert(q.key.clone());
            }
            d
        } else if !q.required && q.kind == QuestionType::String {
            Answer::Str(String::new())
        } else {
            return Err(Error::MissingAnswer { key: q.key.clone() });
        };
        check_answer(q, &answer).map_err(|message| Error::InvalidAnswer {
            key: q.key.clone(),
            message,
        })?;
        answers.insert(&q.key, answer);
        i += 1;
    }
    check_relations(checks, &|k| answers.get(k).cloned(), None)
        .map_err(|(key, message)| Error::InvalidAnswer { key, message })?;
    Ok(answers)
}

#[cfg(test)]
mod going_back;

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold_kind::Source;
    use std::path::Path;

    pub(super) fn demo() -> Kind {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/templates");
        scaffold_kind::Catalog::load(&Source::Dir(root))
            .unwrap()
            .get("demo")
            .unwrap()
            .clone()
    }

    fn file(text: &str) -> Option<(PathBuf, AnswersFile)> {
        Some((
            PathBuf::from("a.toml"),
            AnswersFile::parse(text, Path::new("a.toml")).unwrap(),
        ))
    }

    struct Scripted(Vec<(&'static str, Answer)>, Vec<String>);

    impl Prompter for Scripted {
        fn ask(
            &mut self,
            q: &Question,
            default: Option<&Answer>,
            so_far: &Answers,
        ) -> Result<Answer> {
            self.1.push(format!(
                "{}={}",
                q.key,
                default.map(|d| d.to_string()).unwrap_or_default()
            ));
            assert!(so_far.get(&q.key).is_none(), "asked twice");
            match self.0.iter().position(|(k, _)| *k == q.key) {
                Some(i) => Ok(self.0.remove(i).1),
                None => Ok(default.cloned().unwrap_or(Answer::Str(String::new()))),
            }
        }
    }

    #[test]
    fn layers_defaults_then_file_then_set() {
        let given = Given {
            file: file("[answers]\nname = \"f\"\nteam = \"fileteam\"\nreplicas = 4\n"),
            sets: vec![
                ("team".into(), "setteam".into()),
                ("team".into(), "last".into()),
            ],
        };
        let a = resolve(&demo(), &given, None).unwrap();
        assert_eq!(a.get("team"), Some(&Answer::Str("last".into())));
        assert_eq!(a.get("replicas"), Some(&Answer::Int(4)));
        assert_eq!(a.get("metrics"), Some(&Answer::Bool(true)));
        assert_eq!(
            a.get("host"),
            Some(&Answer::Str("f.127.0.0.1.nip.io".into())),
            "templated default"
        );
        assert_eq!(
            a.get("email"),
            Some(&Answer::Str(String::new())),
            "optional string"
        );
        assert_eq!(a.iter().next().unwrap().0, "name", "name comes first");
    }

    #[test]
    fn the_prompter_is_asked_only_what_is_open_with_defaults_that_follow_earlier_answers() {
        let given = Given {
            file: None,
            sets: vec![("team".into(), "given".into())],
        };
        let mut p = Scripted(
            vec![
                ("name", Answer::Str("asked".into())),
                ("replicas", Answer::Int(5)),
            ],
            vec![],
        );
        let a = resolve(&demo(), &given, Some(&mut p)).unwrap();
        assert!(!p.1.iter().any(|s| s.starts_with("team=")), "{:?}", p.1);
        assert!(
            p.1.contains(&"host=asked.127.0.0.1.nip.io".to_string()),
            "{:?}",
            p.1
        );
        assert_eq!(a.get("replicas"), Some(&Answer::Int(5)));
    }

    #[test]
    fn a_prompter_answer_is_validated_too() {
        let mut p = Scripted(vec![("name", Answer::Str("Bad Name".into()))], vec![]);
        let err = resolve(&demo(), &Given::default(), Some(&mut p)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidAnswer { ref key, .. } if key == "name"),
            "{err}"
        );
    }

    #[test]
    fn file_values_of_the_wrong_type_are_refused_and_strings_are_parsed() {
        let given = Given {
            file: file("[answers]\nname = \"x\"\nreplicas = \"3\"\nmetrics = \"no\"\n"),
            sets: vec![],
        };
        let a = resolve(&demo(), &given, None).unwrap();
        assert_eq!(a.get("replicas"), Some(&Answer::Int(3)));
        assert_eq!(a.get("metrics"), Some(&Answer::Bool(false)));
        let given = Given {
            file: file("[answers]\nname = \"x\"\nreplicas = 2.5\n"),
            sets: vec![],
        };
        let err = resolve(&demo(), &given, None).unwrap_err().to_string();
        assert!(
            err.contains("`replicas`: a float is not a valid answer; expected a whole number"),
            "{err}"
        );
    }

    #[test]
    fn the_recorded_file_reads_back_to_the_same_answers() {
        let given = Given {
            file: None,
            sets: vec![
                ("name".into(), "x".into()),
                ("team".into(), "t".into()),
                ("description".into(), "a \"q\" \\ b \u{fffe}".into()),
            ],
        };
        let a = resolve(&demo(), &given, None).unwrap();
        let text = a.to_file("demo", "9.9.9", &[]);
        let back = Given {
            file: file(&text),
            sets: vec![],
        };
        assert_eq!(resolve(&demo(), &back, None).unwrap(), a);
        assert!(text.contains("scaffold_version = \"9.9.9\""));
    }

    #[test]
    fn any_list_of_questions_layers_the_same_way() {
        let mut count = scaffold_kind::name_question();
        count.key = "events".into();
        count.kind = QuestionType::Int;
        count.pattern = None;
        count.path = false;
        count.max_len = None;
        count.min = Some(1);
        count.default = Some(Answer::Int(7));
        let mut flag = count.clone();
        flag.key = "gpu".into();
        flag.kind = QuestionType::Bool;
        flag.min = None;
        flag.default = Some(Answer::Bool(false));
        let questions = [count, flag];
        let given =
            parse_given(&questions, "the test", &[("events".into(), "2.5M".into())]).unwrap();
        let mut p = Scripted(vec![("gpu", Answer::Bool(true))], vec![]);
        let a = settle(&questions, &[], given.clone(), Some(&mut p)).unwrap();
        assert_eq!(p.1, vec!["gpu=false"], "only the open question is asked");
        assert_eq!(a.get("events"), Some(&Answer::Int(2_500_000)));
        assert_eq!(a.get("gpu"), Some(&Answer::Bool(true)));
        let a = settle(&questions, &[], given, None).unwrap();
        assert_eq!(a.get("gpu"), Some(&Answer::Bool(false)), "the default");
        let err =
            parse_given(&questions, "the test", &[("events".into(), "0".into())]).unwrap_err();
        assert!(
            matches!(err, Error::InvalidAnswer { ref key, .. } if key == "events"),
            "{err}"
        );
        let err =
            parse_given(&questions, "the test", &[("colour".into(), "x".into())]).unwrap_err();
        assert!(matches!(err, Error::UnknownKey { .. }), "{err}");
    }

    #[test]
    fn templated_defaults_are_recorded_as_derived_and_derived_again() {
        let given = Given {
            file: None,
            sets: vec![("name".into(), "shop".into())],
        };
        let a = resolve(&demo(), &given, None).unwrap();
        assert!(a.is_derived("host") && !a.is_derived("team") && !a.is_derived("name"));
        let text = a.to_file("demo", VERSION, &[]);
        let (given_part, derived) = text.split_once("[derived]\n").unwrap();
        assert!(!given_part.contains("host"), "{text}");
        assert_eq!(derived, "host = \"shop.127.0.0.1.nip.io\"\n");
        // Read back under another name, the host follows the name; [derived] is not read as given.
        let back = Given {
            file: file(&text),
            sets: vec![("name".into(), "other".into())],
        };
        let b = resolve(&demo(), &back, None).unwrap();
        assert_eq!(
            b.get("host"),
            Some(&Answer::Str("other.127.0.0.1.nip.io".into()))
        );
        assert!(b.is_derived("host") && b.notes().is_empty());
        // A derived default accepted at a prompt stays derived; another answer is given.
        let mut p = Scripted(vec![], vec![]);
        assert!(
            resolve(&demo(), &given, Some(&mut p))
                .unwrap()
                .is_derived("host")
        );
        let mut p = Scripted(vec![("host", Answer::Str("x.example.com".into()))], vec![]);
        assert!(
            !resolve(&demo(), &given, Some(&mut p))
                .unwrap()
                .is_derived("host")
        );
    }

    #[test]
    fn a_file_from_another_version_is_noted_or_refused_naming_every_changed_key() {
        let given = Given {
            file: file("scaffold_version = \"0.0.1\"\n[answers]\nname = \"x\"\n"),
            sets: vec![],
        };
        let a = resolve(&demo(), &given, None).unwrap();
        assert_eq!(a.notes().len(), 1, "{:?}", a.notes());
        assert!(
            a.notes()[0].contains("written by scaffold 0.0.1"),
            "{:?}",
            a.notes()
        );
        let given = Given {
            file: file(
                "scaffold_version = \"0.0.1\"\n[answers]\nname = \"x\"\nold = 1\nreplicas = 99\n",
            ),
            sets: vec![],
        };
        let err = resolve(&demo(), &given, None).unwrap_err().to_string();
        assert!(
            err.contains("`old` is not a question") && err.contains("`replicas`: 99"),
            "{err}"
        );
    }

    #[test]
    fn answers_files_reject_unknown_top_level_keys() {
        assert!(AnswersFile::parse("kinde = \"x\"\n", Path::new("a.toml")).is_err());
    }
}
