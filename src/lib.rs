//! scaffold: generates portfolio projects for platform and cloud-backend engineers, and puts numbers on the
//! choice between them.

pub mod advise;
pub mod cost;
