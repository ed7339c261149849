//! Fuzzing the planner: mutated components must each get a plan or a typed error, with and without
//! the validator, never a panic. A short deterministic run over the fixtures is a normal test; the
//! long one (`npm run fuzz`, or `cargo test -p terrarium-host-core --release -- --ignored fuzz`)
//! also mutates the guest components in `dist/components` (built by `node scripts/build.mjs`),
//! under a per-input time budget. `FUZZ_SEED` and `FUZZ_INPUTS` change its seed and length.

mod mutate;

use host_core::json::ToJson;
use mutate::{mutate, Rng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The inputs mutations start from, with their names.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for path in sorted_files(&dir, "wat") {
        out.push((path.display().to_string(), wat::parse_file(&path).unwrap()));
    }
    out
}

fn sorted_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<_> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == extension)).collect();
    paths.sort();
    paths
}

/// What went wrong with one input, to replay it: the seed, the base input, the mutations.
struct Finding {
    seed: u64,
    base: String,
    mutations: Vec<String>,
    problem: String,
    saved: PathBuf,
}

struct Report {
    findings: Vec<Finding>,
    slowest: (Duration, u64),
    plans: usize,
    errors: usize,
}

/// Whether `bytes` is answered with a plan (that serialises) or an error inside the input, in both
/// modes; the panic message or the faulty error otherwise.
fn check(bytes: &[u8]) -> Result<bool, String> {
    let mut planned = false;
    for validate in [true, false] {
        let outcome = catch_unwind(AssertUnwindSafe(|| host_core::plan(bytes, validate).map(|p| p.to_json())));
        match outcome {
            Ok(Ok(_)) => planned = true,
            Ok(Err(err)) if err.offset.is_some_and(|offset| offset <= bytes.len()) => {}
            Ok(Err(err)) => return Err(format!("validate={validate}: error without an offset in the input: {err}")),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                return Err(format!("validate={validate}: panic: {message}"));
            }
        }
    }
    Ok(planned)
}

/// Mutates `inputs` `count` times from `seed` (one to three stacked mutations each); with a budget,
/// an input planned slower than it is a finding.
fn run(inputs: &[(String, Vec<u8>)], seed: u64, count: u64, budget: Option<Duration>) -> Report {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings");
    let mut report = Report { findings: Vec::new(), slowest: (Duration::ZERO, seed), plans: 0, errors: 0 };
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for n in 0..count {
        let input_seed = seed.wrapping_add(n);
        let mut rng = Rng::new(input_seed);
        let (base, bytes) = &inputs[rng.below(inputs.len())];
        let mut bytes = bytes.clone();
        let mut mutations = Vec::new();
        for _ in 0..=rng.below(3) {
            let donor = &inputs[rng.below(inputs.len())].1;
            let (mutated, what) = mutate(&mut rng, &bytes, donor);
            bytes = mutated;
            mutations.push(what);
        }
        let start = Instant::now();
        let outcome = check(&bytes);
        let elapsed = start.elapsed();
        if elapsed > report.slowest.0 {
            report.slowest = (elapsed, input_seed);
        }
        let problem = match outcome {
            Ok(planned) if budget.is_some_and(|b| elapsed > b) => {
                Some(format!("took {elapsed:?} (planned: {planned}), past the budget of {budget:?}"))
            }
            Ok(true) => {
                report.plans += 1;
                None
            }
            Ok(false) => {
                report.errors += 1;
                None
            }
            Err(problem) => Some(problem),
        };
        if let Some(problem) = problem {
            std::fs::create_dir_all(&out_dir).unwrap();
            let saved = out_dir.join(format!("seed-{input_seed}.wasm"));
            std::fs::write(&saved, &bytes).unwrap();
            report.findings.push(Finding { seed: input_seed, base: base.clone(), mutations, problem, saved });
        }
    }
    std::panic::set_hook(quiet);
    report
}

fn assert_clean(report: Report) {
    let (time, seed) = report.slowest;
    eprintln!("{} plans, {} typed errors; slowest input: seed {seed}, {time:?}", report.plans, report.errors);
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!("seed {} ({} + {:?}): {}, saved to {}", f.seed, f.base, f.mutations, f.problem, f.saved.display())
        })
        .collect();
    assert!(findings.is_empty(), "{} findings:\n{}", findings.len(), findings.join("\n"));
}

#[test]
fn short_fuzz_of_the_fixtures_finds_no_panic() {
    let report = run(&fixtures(), 1, 3_000, None);
    assert!(report.plans > 0 && report.errors > 0, "mutations should both keep and break components");
    assert_clean(report);
}

#[test]
#[ignore = "long: run with `npm run fuzz`"]
fn fuzz_guests_and_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist/components");
    let mut inputs = fixtures();
    for path in sorted_files(&dir, "wasm") {
        inputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    assert!(inputs.len() > 20, "no guest components in {}: run `node scripts/build.mjs` first", dir.display());
    let env = |name: &str, default: u64| std::env::var(name).map_or(default, |v| v.parse().expect(name));
    let report = run(&inputs, env("FUZZ_SEED", 0x7e44a), env("FUZZ_INPUTS", 20_000), Some(Duration::from_secs(5)));
    assert_clean(report);
}
