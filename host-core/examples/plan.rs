//! Prints the instantiation plan of a component as JSON: `cargo run --example plan -- x.wasm`.

use host_core::json::ToJson;

fn main() {
    let path = std::env::args().nth(1).expect("usage: plan <component.wasm>");
    let bytes = std::fs::read(&path).expect("readable file");
    match host_core::plan(&bytes, true) {
        Ok(plan) => println!("{}", plan.to_json()),
        Err(err) => {
            eprintln!("error ({:?}): {err}", err.kind);
            std::process::exit(1);
        }
    }
}
