//! The serverless model's inputs that take one of a few words: Lambda's architecture, the API flavour, the queue.

use serde::Serialize;

use crate::invalid;
use scaffold_error::Result;

/// Lambda architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }
    pub fn parse(text: &str) -> Result<Arch> {
        match text {
            "arm64" => Ok(Arch::Arm64),
            "x86_64" => Ok(Arch::X86_64),
            other => Err(invalid("arch", format!("'{other}' is not arm64 or x86_64"))),
        }
    }
}

/// API Gateway flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKind {
    Http,
    Rest,
}

impl ApiKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKind::Http => "http",
            ApiKind::Rest => "rest",
        }
    }
    pub fn parse(text: &str) -> Result<ApiKind> {
        match text {
            "http" => Ok(ApiKind::Http),
            "rest" => Ok(ApiKind::Rest),
            other => Err(invalid("api", format!("'{other}' is not http or rest"))),
        }
    }
}

/// SQS queue type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    Standard,
    Fifo,
}

impl QueueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QueueKind::Standard => "standard",
            QueueKind::Fifo => "fifo",
        }
    }
    pub fn parse(text: &str) -> Result<QueueKind> {
        match text {
            "standard" => Ok(QueueKind::Standard),
            "fifo" => Ok(QueueKind::Fifo),
            other => Err(invalid(
                "queue",
                format!("'{other}' is not standard or fifo"),
            )),
        }
    }
}
