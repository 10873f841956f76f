//! `redis-ha-operator`: the Kubernetes controller for `RedisHA` resources.
//!
//! This is the skeleton the operator grows from: it answers `--version` and `--help` and exits.
//! Reconciliation, the CRD and the event-driven master Service arrive with their own issue.

fn main() -> std::process::ExitCode {
    let arg = std::env::args().nth(1).unwrap_or_default();
    match arg.as_str() {
        "--version" | "-V" => {
            println!("redis-ha-operator {}", env!("CARGO_PKG_VERSION"));
            std::process::ExitCode::SUCCESS
        }
        _ => {
            println!("redis-ha-operator {}: a Kubernetes operator for highly available Redis.", env!("CARGO_PKG_VERSION"));
            println!("Usage: redis-ha-operator [--version]");
            println!("The controller itself is not part of this build yet; see the project README.");
            std::process::ExitCode::from(2)
        }
    }
}
