//! Prints the `RedisHA` CustomResourceDefinition as YAML: `cargo run -p redis-ha-operator --bin crdgen > crds/redisha.yaml`.
//! A test (`tests/crd.rs`) fails when the committed file differs from this output.

fn main() -> std::process::ExitCode {
    match redis_ha_operator::crd::crd_yaml() {
        Ok(yaml) => {
            print!("{yaml}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("crdgen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
