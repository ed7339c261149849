//! The JS names of WIT items, as jco spells them, so code written against jco runs unchanged.

/// `get-stdout` → `getStdout`; `blue-ish` → `blueIsh`. WIT identifiers are ASCII.
pub fn lower_camel(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    let mut upper_next = false;
    for c in kebab.chars() {
        if c == '-' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `output-stream` → `OutputStream`: resource classes.
pub fn upper_camel(kebab: &str) -> String {
    let mut out = lower_camel(kebab);
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// `wasi:cli/stdout@0.2.0` → `wasi:cli/stdout`; names without a version stay as they are.
pub fn versionless(name: &str) -> &str {
    name.split_once('@').map_or(name, |(head, _)| head)
}

/// The short JS key of an interface: `example:bench/api@0.1.0` → `api`; a plain name → its camel case.
pub fn interface_js_name(name: &str) -> String {
    let bare = versionless(name);
    let short = bare.rsplit_once('/').map_or(bare, |(_, iface)| iface);
    lower_camel(short)
}

/// The TypeScript names of an interface's type, as jco's declarations spell them: short
/// (`wasi:cli/terminal-stdin@0.2.0` → `TerminalStdin`) and qualified (`WasiCliTerminalStdin`),
/// for when the short one is taken.
pub fn interface_type_names(name: &str) -> (String, String) {
    let bare = versionless(name);
    let short = upper_camel(bare.rsplit_once('/').map_or(bare, |(_, iface)| iface));
    (short, bare.split([':', '/']).map(upper_camel).collect())
}

/// The JS name of an instance member, after wit-component's naming of resource functions:
/// `[method]output-stream.check-write` → `checkWrite`, `[constructor]counter` → `Counter`,
/// `get-stdout` → `getStdout`.
pub fn member_js_name(name: &str) -> String {
    if let Some(resource) = name.strip_prefix("[constructor]") {
        return upper_camel(resource);
    }
    match name.strip_prefix("[method]").or_else(|| name.strip_prefix("[static]")) {
        Some(rest) => lower_camel(rest.split_once('.').map_or(rest, |(_, member)| member)),
        None => lower_camel(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_type_spellings() {
        let names = |short: &str, qualified: &str| (short.to_string(), qualified.to_string());
        assert_eq!(
            interface_type_names("wasi:cli/terminal-stdin@0.2.0"),
            names("TerminalStdin", "WasiCliTerminalStdin")
        );
        assert_eq!(interface_type_names("example:bench/api"), names("Api", "ExampleBenchApi"));
    }

    #[test]
    fn jco_spellings() {
        assert_eq!(lower_camel("get-stdout"), "getStdout");
        assert_eq!(lower_camel("blocking-write-and-flush"), "blockingWriteAndFlush");
        assert_eq!(upper_camel("output-stream"), "OutputStream");
        assert_eq!(versionless("wasi:cli/stdout@0.2.3"), "wasi:cli/stdout");
        assert_eq!(interface_js_name("example:bench/api@0.1.0"), "api");
        assert_eq!(interface_js_name("wasi:cli/terminal-stdin@0.2.0"), "terminalStdin");
        assert_eq!(interface_js_name("get-seed"), "getSeed");
        assert_eq!(member_js_name("[method]output-stream.check-write"), "checkWrite");
        assert_eq!(member_js_name("[static]counter.make"), "make");
        assert_eq!(member_js_name("[constructor]counter"), "Counter");
    }
}
