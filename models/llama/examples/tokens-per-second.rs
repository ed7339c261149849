//! Tokens per second of this crate built natively, the measurement `npm run bench` (bench/run.mjs)
//! also makes in Chromium with the component builds, so the two can be compared:
//!
//! ```sh
//! cargo run -p terrarium-llama --profile model --example tokens-per-second -- [MODEL_DIR] [RUNS] [CHECKPOINT]
//! ```
//!
//! Greedy decoding of 256 tokens from BOS with stories260K (`MODEL_DIR`, default
//! `../shared/models/stories260K` seen from the repository root; `CHECKPOINT`, default
//! `MODEL_DIR/stories260K.bin`, may be another file of it, such as a Q8_0 export), two untimed
//! warm-up runs, then `RUNS` (default 5) timed ones. Natively the kernels are the scalar ones
//! (`kernels::KERNEL`): the SIMD128 kernels exist for wasm32 only. Prints one line of JSON:
//! `{"kernel":"scalar","weights":"f32","weightsBytes":…,"tokens":256,"runs":[…],"median":…,"best":…}`
//! (tokens per second; `weights` is `"q8"` for a version-2 checkpoint).

use llama::{Generation, Model, Options, StopReason};
use std::path::{Path, PathBuf};
use std::time::Instant;

const TOKENS: u32 = 256;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/models/stories260K"));
    let runs: usize = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).unwrap_or(5);
    let checkpoint = args.next().map(PathBuf::from).unwrap_or_else(|| dir.join("stories260K.bin"));
    let read = |path: &Path| {
        std::fs::read(path).unwrap_or_else(|e| {
            eprintln!("tokens-per-second: {}: {e}", path.display());
            std::process::exit(2)
        })
    };
    let model = Model::load(read(&checkpoint), &read(&dir.join("tok512.bin"))).unwrap_or_else(|e| {
        eprintln!("tokens-per-second: {e}");
        std::process::exit(2)
    });

    let generate = || {
        let mut generation = Generation::new(&model, "", &Options::greedy(TOKENS)).expect("a generation starts");
        let start = Instant::now();
        let n = generation.by_ref().count();
        let rate = n as f64 / start.elapsed().as_secs_f64();
        // 8-bit weights change the story after its start: it may end (EOS) before TOKENS.
        let ended = model.config().format.version() == 2 && generation.stop_reason() == Some(StopReason::EndOfText);
        assert!(n == TOKENS as usize || ended, "stories260K generates {TOKENS} tokens from BOS, not {n}");
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
