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

#[test]
fn prints_maps_and_fixed_length_lists() {
    let fixture = |name: &str| {
        let path = format!("{}/tests/fixtures/{name}.wat", env!("CARGO_MANIFEST_DIR"));
        host_core::wit::print(&wat::parse_file(path).unwrap()).unwrap()
    };
    let maps = fixture("maps");
    assert!(maps.contains("import lookup: func(m: map<u32, string>) -> map<u32, string>;"), "{maps}");
    assert!(maps.contains("export total: func(m: map<string, u32>) -> u32;"), "{maps}");
    let lists = fixture("fixed-lists");
    assert!(lists.contains("export sum: func(v: list<u32, 3>) -> u32;"), "{lists}");
    assert!(lists.contains("export swap: func(v: list<string, 2>) -> list<string, 2>;"), "{lists}");
}
