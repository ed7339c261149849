//! The Rust half of Terrarium's WASI polyfill: the virtual filesystem behind `wasi:filesystem`
//! ([`fs`]), compiled into the web crate's `wasi` variant. Which imports the polyfill serves is
//! the JS runtime's to decide, from one list (`polyfill-wasi/js/catalogue.js`).

pub mod fs;
