//! `trap`: lets tests check how the host reports traps and exits mid-call.

wit_bindgen::generate!({ world: "trap" });

use exports::example::trap::api::Guest;

struct Trap;

impl Guest for Trap {
    fn ok() -> u32 {
        7
    }

    fn boom() {
        // wasm32-wasip2 uses panic=abort, so this ends in `unreachable`.
        panic!("boom");
    }

    fn quit(code: u8) {
        std::process::exit(i32::from(code));
    }
}

export!(Trap);
