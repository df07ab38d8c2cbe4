//! Ready-made apps: handlers that `fcstream serve --app NAME` runs, that tests and benchmarks
//! call, and that newcomers read as examples.

pub mod echo;

pub use echo::echo;
