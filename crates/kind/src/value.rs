//! The value of one answer, as a manifest default, an answers file or a prompt gives it.

use serde::{Deserialize, Serialize};

/// One answer. Untagged so that TOML and JSON carry plain values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Int(i64),
    Str(String),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Bool(b) => write!(f, "{b}"),
            Answer::Int(i) => write!(f, "{i}"),
            Answer::Str(s) => f.write_str(s),
        }
    }
}

impl Answer {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Answer::Bool(b) => serde_json::Value::Bool(*b),
            Answer::Int(i) => serde_json::Value::from(*i),
            Answer::Str(s) => serde_json::Value::String(s.clone()),
        }
    }

    pub fn to_toml(&self) -> String {
        match self {
            Answer::Bool(b) => b.to_string(),
            Answer::Int(i) => i.to_string(),
            Answer::Str(s) => toml::Value::String(s.clone()).to_string(),
        }
    }
}
