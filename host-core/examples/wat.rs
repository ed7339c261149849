//! Assembles WAT fixtures into binaries with the same `wat` crate the fixture tests use (it knows
//! `map` and `list<T, N>`, which the installed wasm-tools may not):
//! `cargo run --example wat -- OUT_DIR a.wat b.wat …` writes `OUT_DIR/a.wasm`, `OUT_DIR/b.wasm`.

use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let out_dir = args.next().expect("usage: wat OUT_DIR FILE.wat…");
    std::fs::create_dir_all(&out_dir).expect("a writable output folder");
    for input in args {
        let bytes = wat::parse_file(&input).unwrap_or_else(|err| {
            eprintln!("{err}");
            std::process::exit(1);
        });
        let name = Path::new(&input).with_extension("wasm");
        let out = Path::new(&out_dir).join(name.file_name().expect("a file name"));
        std::fs::write(&out, bytes).expect("a writable output file");
    }
}
