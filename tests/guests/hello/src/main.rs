//! `hello`: a wasi:cli command touching stdio, args, env, clocks, random
//! and exit codes, so tests can check the WASI polyfill end to end.
//!
//! It also has four small file commands, for the playground's file browser (they print only
//! their own output): `hello ls DIR` lists a directory (sizes, `/` after directories),
//! `hello cat FILE…` prints files, `hello upper FROM TO` writes FROM upper-cased to TO, and
//! `hello tee FILE` copies stdin to FILE and to stdout. A failure goes to stderr, exit code 1.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::time::{Instant, SystemTime};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(result) = files::command(&args) {
        if let Err(message) = result {
            eprintln!("{}: {message}", args[1]);
            std::process::exit(1);
        }
        return;
    }
    println!("hello from wasi");
    for arg in &args {
        println!("arg: {arg}");
    }
    if let Ok(a) = std::env::var("A") {
        println!("env A={a}");
    }
    eprintln!("to stderr");

    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("read stdin");
    if !input.is_empty() {
        println!("stdin: {input}");
    }

    // Clocks: wall clock (wasi:clocks/wall-clock) and monotonic clock.
    let _ = SystemTime::now();
    let start = Instant::now();
    let _ = start.elapsed();

    // Random: RandomState seeds itself from wasi:random, no crates needed.
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u8(0);
        chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
    }
    std::hint::black_box(bytes);
    std::io::stdout().flush().expect("flush stdout");

    match args.get(1).map(String::as_str) {
        Some("exit") => {
            let code = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
            std::process::exit(code);
        }
        Some("panic") => panic!("panic requested"),
        _ => {}
    }
}

/// The file commands: `None` when the arguments name none of them.
mod files {
    use std::fs;
    use std::io::{Read, Write};

    pub fn command(args: &[String]) -> Option<Result<(), String>> {
        let rest: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
        Some(match (args.get(1).map(String::as_str)?, rest.as_slice()) {
            ("ls", [dir]) => ls(dir),
            ("cat", files) if !files.is_empty() => files.iter().try_for_each(|f| cat(f)),
            ("upper", [from, to]) => upper(from, to),
            ("tee", [file]) => tee(file),
            ("ls" | "cat" | "upper" | "tee", _) => Err("usage: ls DIR | cat FILE… | upper FROM TO | tee FILE".into()),
            _ => return None,
        })
    }

    fn ls(dir: &str) -> Result<(), String> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))? {
            let entry = entry.map_err(|e| format!("{dir}: {e}"))?;
            let meta = entry.metadata().map_err(|e| format!("{dir}: {e}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            entries.push(if meta.is_dir() {
                (format!("{name}/"), "-".to_string())
            } else {
                (name, meta.len().to_string())
            });
        }
        entries.sort();
        for (name, size) in entries {
            println!("{size:>10}  {name}");
        }
        Ok(())
    }

    fn cat(file: &str) -> Result<(), String> {
        let bytes = fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        std::io::stdout().write_all(&bytes).map_err(|e| e.to_string())
    }

    fn upper(from: &str, to: &str) -> Result<(), String> {
        let text = fs::read_to_string(from).map_err(|e| format!("{from}: {e}"))?;
        fs::write(to, text.to_uppercase()).map_err(|e| format!("{to}: {e}"))?;
        println!("wrote {} bytes to {to}", text.to_uppercase().len());
        Ok(())
    }

    fn tee(file: &str) -> Result<(), String> {
        let mut input = Vec::new();
        std::io::stdin().read_to_end(&mut input).map_err(|e| format!("stdin: {e}"))?;
        fs::write(file, &input).map_err(|e| format!("{file}: {e}"))?;
        std::io::stdout().write_all(&input).map_err(|e| e.to_string())
    }
}
