//! The canonical ABI's static side: sizes, alignments and flattening of types
//! ([CanonicalABI.md](https://github.com/WebAssembly/component-model/blob/main/design/mvp/CanonicalABI.md)).
//! Lifting and lowering themselves run in JS (`js/abi/`), driven by what is computed here.

pub mod layout;
pub mod signature;
