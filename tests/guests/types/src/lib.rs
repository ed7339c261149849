//! `types`: echoes every canonical-ABI value type so tests can check that the
//! host lowers and lifts each one, and calls back into host imports.

wit_bindgen::generate!({ world: "types" });

use example::types::host_values::{self, Point};
use exports::example::types::roundtrip::{
    Color, ErrorCode, Guest as Roundtrip, ManyFlags, Mixed, Payload, Permissions, Shape,
};

struct Types;

impl Guest for Types {
    fn version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}

// Kept compact: one line per echo reads better than rustfmt's three.
#[rustfmt::skip]
impl Roundtrip for Types {
    fn echo_bool(v: bool) -> bool { v }
    fn echo_s8(v: i8) -> i8 { v }
    fn echo_u8(v: u8) -> u8 { v }
    fn echo_s16(v: i16) -> i16 { v }
    fn echo_u16(v: u16) -> u16 { v }
    fn echo_s32(v: i32) -> i32 { v }
    fn echo_u32(v: u32) -> u32 { v }
    fn echo_s64(v: i64) -> i64 { v }
    fn echo_u64(v: u64) -> u64 { v }
    fn echo_f32(v: f32) -> f32 { v }
    fn echo_f64(v: f64) -> f64 { v }
    fn echo_char(v: char) -> char { v }
    fn echo_string(v: String) -> String { v }
    fn echo_bytes(v: Vec<u8>) -> Vec<u8> { v }
    fn echo_list_u32(v: Vec<u32>) -> Vec<u32> { v }
    fn echo_list_f64(v: Vec<f64>) -> Vec<f64> { v }
    fn echo_list_string(v: Vec<String>) -> Vec<String> { v }
    fn echo_list_list_u16(v: Vec<Vec<u16>>) -> Vec<Vec<u16>> { v }
    fn echo_point(v: Point) -> Point { v }
    fn echo_mixed(v: Mixed) -> Mixed { v }

    fn sum_many(
        a: u8, b: i8, c: u16, d: i16, e: u32, f: i32, g: u64, h: i64, i: f32,
        j: f64, k: u8, l: i8, m: u16, n: i16, o: u32, p: i32, q: u64, r: f64,
    ) -> f64 {
        // Summed in f64 so every param type contributes without overflow.
        [a as f64, b as f64, c as f64, d as f64, e as f64, f as f64]
            .into_iter()
            .chain([g as f64, h as f64, i as f64, j, k as f64, l as f64])
            .chain([m as f64, n as f64, o as f64, p as f64, q as f64, r])
            .sum()
    }

    fn echo_tuple4(v: (u8, u64, String, f32)) -> (u8, u64, String, f32) { v }
    fn echo_tuple3(v: (u8, String, i64)) -> (u8, String, i64) { v }
    fn echo_shape(v: Shape) -> Shape { v }
    fn echo_color(v: Color) -> Color { v }
    fn echo_option_u32(v: Option<u32>) -> Option<u32> { v }
    fn echo_option_option_string(v: Option<Option<String>>) -> Option<Option<String>> { v }
    fn echo_option_point(v: Option<Point>) -> Option<Point> { v }
    fn echo_result(v: Result<u32, String>) -> Result<u32, String> { v }
    fn echo_unit_result(v: Result<(), ()>) -> Result<(), ()> { v }
    fn echo_result_enum(v: Result<String, ErrorCode>) -> Result<String, ErrorCode> { v }
    fn echo_permissions(v: Permissions) -> Permissions { v }
    fn echo_many_flags(v: ManyFlags) -> ManyFlags { v }
    fn echo_points(v: Vec<Point>) -> Vec<Point> { v }
    fn echo_payload(v: Payload) -> Payload { v }

    fn call_get_seed() -> u64 {
        get_seed()
    }

    fn call_make_point(x: i32, y: i32) -> Point {
        host_values::make_point(x, y)
    }

    fn call_fail_with(code: u32) -> Result<u32, String> {
        host_values::fail_with(code)
    }
}

export!(Types);
