//! `exit-code`: a command that exits through the unstable
//! `wasi:cli/exit.exit-with-code`, so tests can check non-0/1 exit statuses.

wit_bindgen::generate!({
    world: "exit-code",
    // Enables the `@unstable(feature = cli-exit-with-code)` function.
    features: ["cli-exit-with-code"],
    // wit-bindgen wants explicit consent to generate bindings for wasi:* packages.
    generate_all,
});

use exports::wasi::cli::run::Guest;
use wasi::cli::exit::exit_with_code;

struct ExitCode;

impl Guest for ExitCode {
    fn run() -> Result<(), ()> {
        exit_with_code(42);
        // The host never returns from exit-with-code.
        unreachable!("exit-with-code returned")
    }
}

export!(ExitCode);
