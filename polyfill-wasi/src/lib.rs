//! The WASI 0.2 interfaces that Terrarium's polyfill serves, and which import names they answer.
//!
//! The JS bindings (`polyfill-wasi/js/`, one module per WASI package) implement these over web
//! APIs; the planner asks [`provides`] so that a component's WASI imports are served by the
//! polyfill unless the user passes their own.

pub mod fs;

/// Versionless names of the interfaces the polyfill implements.
pub const INTERFACES: &[&str] = &[
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:filesystem/types",
    "wasi:filesystem/preopens",
    // Every socket operation fails with `not-supported`: a page cannot open sockets.
    "wasi:sockets/network",
    "wasi:sockets/instance-network",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
    "wasi:sockets/ip-name-lookup",
    // Outgoing requests over `fetch` (the page cannot serve HTTP, so no incoming-handler).
    "wasi:http/types",
    "wasi:http/outgoing-handler",
];

/// Whether `version` is one the 0.2 polyfill answers: any `0.2.x`, pre-releases included
/// (`0.2.0-rc-2023-11-10`), since WASI keeps 0.2.x interfaces backward compatible.
pub fn is_compatible_version(version: &str) -> bool {
    let mut parts = version.splitn(3, '.');
    matches!((parts.next(), parts.next()), (Some("0"), Some("2")))
        && parts.next().is_some_and(|patch| patch.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// The polyfill's key for `import_name` (`wasi:cli/stdout@0.2.6` → `wasi:cli/stdout`), or `None`
/// when the polyfill does not serve that interface at that version.
pub fn provides(import_name: &str) -> Option<&'static str> {
    let (name, version) = import_name.split_once('@')?;
    if !is_compatible_version(version) {
        return None;
    }
    INTERFACES.iter().copied().find(|&known| known == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_every_0_2_version() {
        assert_eq!(provides("wasi:cli/stdout@0.2.0"), Some("wasi:cli/stdout"));
        assert_eq!(provides("wasi:cli/stdout@0.2.6"), Some("wasi:cli/stdout"));
        assert_eq!(provides("wasi:io/streams@0.2.0-rc-2023-11-10"), Some("wasi:io/streams"));
        assert_eq!(provides("wasi:filesystem/types@0.2.0"), Some("wasi:filesystem/types"));
        assert_eq!(provides("wasi:filesystem/preopens@0.2.6"), Some("wasi:filesystem/preopens"));
        assert_eq!(provides("wasi:http/types@0.2.0"), Some("wasi:http/types"));
        assert_eq!(provides("wasi:http/outgoing-handler@0.2.4"), Some("wasi:http/outgoing-handler"));
        assert_eq!(provides("wasi:http/incoming-handler@0.2.4"), None);
    }

    #[test]
    fn refuses_other_versions_and_interfaces() {
        assert_eq!(provides("wasi:cli/stdout@0.3.0"), None);
        assert_eq!(provides("wasi:cli/stdout@0.20.1"), None);
        assert_eq!(provides("wasi:cli/stdout"), None);
        assert_eq!(provides("wasi:filesystem/types@0.3.0"), None);
        assert_eq!(provides("example:bench/host@0.1.0"), None);
    }
}
