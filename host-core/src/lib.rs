//! Terrarium's host core: everything about a WebAssembly component that needs no JS.
//!
//! The pipeline reads from the module names: [`parse`] (header and validation) → [`plan`]
//! (resolve types, imports and exports; order the core instantiations) → [`abi`] (layout and
//! flattening that the JS glue is driven by). [`wit`] prints a component's world, off the call path.

pub mod abi;
pub mod error;
pub mod ids;
pub mod json;
pub mod names;
pub mod parse;
pub mod plan;
pub mod types;
#[cfg(feature = "wit")]
pub mod wit;

pub use error::{Error, ErrorKind, Result};
pub use plan::{plan, Plan};
