//! Tokens per second of this crate built natively, the measurement `npm run bench` (bench/run.mjs)
//! also makes in Chromium with the component builds, so the two can be compared:
//!
//! ```sh
//! RUSTFLAGS="-C target-cpu=native" cargo run -p terrarium-llama --profile model --example tokens-per-second -- CHECKPOINT TOKENIZER [RUNS]
//! ```
//!
//! Greedy decoding of 256 tokens from BOS, two untimed warm-up runs, then `RUNS` (default 5) timed
//! ones. The kernels are the build's (`kernels::KERNEL`): `avx2-fma` on an x86_64 machine with AVX2
//! and FMA when built with `-C target-cpu=native`, else `scalar`. Prints one line of JSON:
//! `{"kernel":"avx2-fma","weights":"f32","weightsBytes":…,"tokens":256,"runs":[…],"median":…,"best":…}`
//! (tokens per second; `weights` is `"q8"` for a version-2 checkpoint).

use llama::{Generation, Model, Options, StopReason};
use std::path::PathBuf;
use std::time::Instant;

const TOKENS: u32 = 256;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(checkpoint), Some(tokenizer)) = (args.first(), args.get(1)) else {
        eprintln!("usage: tokens-per-second CHECKPOINT TOKENIZER [RUNS]");
        std::process::exit(2)
    };
    let runs: usize = args.get(2).and_then(|n| n.parse().ok()).filter(|&n| n > 0).unwrap_or(5);
    let read = |path: &str| {
        std::fs::read(PathBuf::from(path)).unwrap_or_else(|e| {
            eprintln!("tokens-per-second: {path}: {e}");
            std::process::exit(2)
        })
    };
    let model = Model::load(read(checkpoint), &read(tokenizer)).unwrap_or_else(|e| {
        eprintln!("tokens-per-second: {e}");
        std::process::exit(2)
    });

    let generate = || {
        let mut generation = Generation::new(&model, "", &Options::greedy(TOKENS)).expect("a generation starts");
        let start = Instant::now();
        let n = generation.by_ref().count();
        let rate = n as f64 / start.elapsed().as_secs_f64();
        // 8-bit weights change stories260K's story after its start: it may end (EOS) before TOKENS.
        let ended = model.config().format.version() == 2 && generation.stop_reason() == Some(StopReason::EndOfText);
        assert!(n == TOKENS as usize || ended, "{TOKENS} tokens from BOS expected, not {n}");
        (rate, n)
    };
    let (_, tokens) = generate();
    generate();
    let mut rates: Vec<f64> = (0..runs).map(|_| generate().0).collect();
    let shown: Vec<String> = rates.iter().map(|r| format!("{r:.1}")).collect();
    rates.sort_by(f64::total_cmp);
    let median = if runs % 2 == 1 { rates[runs / 2] } else { (rates[runs / 2 - 1] + rates[runs / 2]) / 2.0 };
    let weights = if model.config().format.version() == 2 { "q8" } else { "f32" };
    println!(
        "{{\"kernel\":\"{}\",\"weights\":\"{weights}\",\"weightsBytes\":{},\"tokens\":{tokens},\"runs\":[{}],\"median\":{median:.1},\"best\":{:.1}}}",
        llama::kernels::KERNEL,
        model.weights().memory_bytes(),
        shown.join(","),
        rates[runs - 1]
    );
}
