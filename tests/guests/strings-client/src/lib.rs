//! `strings-client`: a utf8 component that imports `echo` and is composed with the utf16 and
//! latin1+utf16 WAT components, so strings cross encodings inside one composed component.

wit_bindgen::generate!({ world: "client-world" });

use example::strings::echo;
use exports::example::strings::client::Guest;

struct Client;

impl Guest for Client {
    fn roundtrip(s: String) -> String {
        echo::echo(&s)
    }

    fn roundtrip_list(l: Vec<String>) -> Vec<String> {
        echo::echo_list(&l)
    }

    fn lengths(s: String) -> (u32, u32) {
        (s.len() as u32, echo::raw_length(&s))
    }

    fn constant() -> String {
        echo::constant()
    }

    fn fail() {
        echo::fail();
    }

    fn check(l: Vec<String>, times: u32) -> Vec<String> {
        l.into_iter()
            .filter(|s| {
                let mut back = s.clone();
                for _ in 0..times {
                    back = echo::echo(&back);
                }
                back != *s
            })
            .collect()
    }
}

export!(Client);
