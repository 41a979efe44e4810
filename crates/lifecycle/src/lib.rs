//! A project's life after `new`: its git history from the first second, and updates to newer templates or
//! other answers, merged three ways with git (or, without a usable history, by the project's manifest).

pub mod changelog;
pub mod git;
pub mod manifest;
pub mod update;
