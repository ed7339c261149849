//! WIT printing of a component's world (the `wit` feature, loaded lazily by the web package).
#![cfg(feature = "wit")]

#[test]
fn prints_the_world_with_its_interfaces() {
    let bytes = wat::parse_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/scalar-export.wat")).unwrap();
    let wit = host_core::wit::print(&bytes).unwrap();
    assert!(wit.contains("world root {"), "{wit}");
    assert!(wit.contains("export example:calc/api@0.1.0;"), "{wit}");
    assert!(wit.contains("add: func(a: u32, b: u32) -> u32;"), "{wit}");
}

#[test]
fn refuses_a_core_module_with_its_offset() {
    let module = wat::parse_str("(module)").unwrap();
    let err = host_core::wit::print(&module).unwrap_err();
    assert_eq!(err.kind, host_core::ErrorKind::NotAComponent);
    assert_eq!(err.offset, Some(4));
}
