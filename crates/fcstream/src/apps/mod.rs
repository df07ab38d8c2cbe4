//! Ready-made apps: handlers that `fcstream serve --app NAME` runs, that tests and benchmarks
//! call, and that newcomers read as examples.

pub mod agent;
pub mod echo;
pub mod ivr;

pub use echo::echo;
pub use ivr::ivr;
