//! A component's world as WIT text, through wit-component's decoder and printer. Only the
//! lazily loaded `wit` build of the web crate carries this: no call path needs it.

use crate::error::{Error, ErrorKind, Result};
use wit_component::WitPrinter;

/// The component's world and every package it uses, as `wasm-tools component wit` prints them.
pub fn print(bytes: &[u8]) -> Result<String> {
    crate::parse::check_header(bytes)?;
    let decoded = wit_parser::decoding::decode(bytes)
        .map_err(|err| Error::new(ErrorKind::Invalid, format!("cannot decode the component's WIT: {err:#}"), None))?;
    let (resolve, package) = (decoded.resolve(), decoded.package());
    let dependencies: Vec<_> = resolve.packages.iter().map(|(id, _)| id).filter(|&id| id != package).collect();
    let mut printer = WitPrinter::default();
    printer.print(resolve, package, &dependencies).map_err(|err| {
        Error::new(ErrorKind::Unsupported, format!("cannot print the component's WIT: {err:#}"), None)
    })?;
    Ok(printer.output.to_string())
}
