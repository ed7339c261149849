//! The WASI test guests report each check on its own line (`ok <name>` or `FAIL <name>: <detail>`),
//! so a failing run in Node or Chromium says which behaviour broke, then a summary line, and exit
//! 1 when anything failed.

use std::fmt::Debug;

#[derive(Default)]
pub struct Checks {
    pub passed: usize,
    pub failed: usize,
}

impl Checks {
    pub fn check(&mut self, name: &str, ok: bool, detail: impl Debug) {
        if ok {
            self.passed += 1;
            println!("ok {name}");
        } else {
            self.failed += 1;
            println!("FAIL {name}: {detail:?}");
        }
    }

    /// Prints `N passed, M failed` and ends the program, with exit code 1 if any check failed.
    pub fn finish(self) -> ! {
        println!("{} passed, {} failed", self.passed, self.failed);
        std::process::exit(if self.failed > 0 { 1 } else { 0 });
    }
}
