//! Q8_0 matrix-vector products on int8, as llama2.c's `runq.c` runs a version-2 checkpoint: the
//! weights stay as their `i8` values with one `f32` scale per group of `group_size` consecutive
//! weights of the matrix, the input vector is quantized just before the product, and each run of
//! products under one weight scale and one input scale is summed in `i32` and scaled once:
//! `out[r] = Σ_runs (Σ_{i in run} w[r][i] * x[i]) * w_scale * x_scale`.
//!
//! When a row is a whole number of groups the input is quantized in the same groups, and the runs
//! are the groups, as in `runq.c`. llama2.c's export only checks that `dim` is a multiple of the
//! group size, so a row may not be (stories260K's `w2`: rows of 172 in groups of 64, each row
//! starting at another offset in its group), which `runq.c` gets wrong; here the input is then
//! quantized as one group, and a row's runs are the pieces of it between the matrix's group
//! boundaries ([`input_group_size`]).
//!
//! Kernels, chosen when the crate is compiled (as [`crate::kernels`]): plain loops; with
//! `simd128`, 16 values at a time widened to `i16` and multiplied with `i32x4.dot_i16x8_s`; with
//! `relaxed-simd`, `i32x4.relaxed_dot_i8x16_i7x16_add_s`, whose second operand must lie in
//! [0, 127] for the result to be the same on every engine: it gets `|w|`, and the first gets `x`
//! with `w`'s sign. Q8_0 weights are in [-127, 127] (checkpoint.rs reads a -128 as -127), so both
//! are exact, and every kernel sums a run's products exactly (the native x86_64 build's AVX2 kernel,
//! in [`crate::avx2`], too): the kernels differ only in the
//! order the scaled runs are added. Rows of whole groups of a multiple of 16 go four rows at a time;
//! other rows one at a time, 16 values at a time and the rest of each run in plain loops.

/// A Q8_0 matrix: `rows x n` `i8` values, row-major, and `rows * n / group_size` scales.
#[derive(Clone, Copy, Debug)]
pub struct Q8Matrix<'w> {
    pub values: &'w [i8],
    pub scales: &'w [f32],
    pub group_size: usize,
}

impl<'w> Q8Matrix<'w> {
    /// The values and scales of rows `r..r + 4` of this matrix with rows of `n` weights in whole
    /// groups, for kernels that go four rows at a time; past its `rows`, the last row is repeated
    /// (to be computed, not stored).
    #[cfg_attr(
        not(any(
            all(target_arch = "wasm32", target_feature = "simd128"),
            all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")
        )),
        allow(dead_code)
    )]
    pub(crate) fn four_rows(&self, r: usize, rows: usize, n: usize) -> ([&'w [i8]; 4], [&'w [f32]; 4]) {
        let groups = n / self.group_size;
        let index: [usize; 4] = std::array::from_fn(|k| (r + k).min(rows - 1));
        (index.map(|i| &self.values[i * n..][..n]), index.map(|i| &self.scales[i * groups..][..groups]))
    }

    /// The matrix as `f32`s (`q * scale`).
    pub fn dequantize(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.values.len()];
        dequantize(&mut out, self.values, self.scales, self.group_size);
        out
    }
}

/// `out[i] = values[i] * scales[i / group_size]`.
pub fn dequantize(out: &mut [f32], values: &[i8], scales: &[f32], group_size: usize) {
    for ((o, q), &s) in out.chunks_mut(group_size).zip(values.chunks(group_size)).zip(scales) {
        for (o, &q) in o.iter_mut().zip(q) {
            *o = f32::from(q) * s;
        }
    }
}

/// The group size to quantize the input of a Q8_0 matrix product in, for rows of `n` weights in
/// groups of `group_size`: the same groups when a row is whole groups, else the whole vector.
pub fn input_group_size(n: usize, group_size: usize) -> usize {
    if n.is_multiple_of(group_size) {
        group_size
    } else {
        n
    }
}

/// An input vector quantized for a product with a Q8_0 matrix; its buffers are reused.
#[derive(Default)]
pub struct Q8Vector {
    pub(crate) values: Vec<i8>,
    pub(crate) scales: Vec<f32>,
    group_size: usize,
}

impl Q8Vector {
    /// Room for vectors of up to `n` values, so quantizing allocates nothing.
    pub fn with_capacity(n: usize) -> Q8Vector {
        Q8Vector { values: Vec::with_capacity(n), scales: Vec::with_capacity(n), group_size: 0 }
    }

    /// The bytes [`Q8Vector::with_capacity`]`(n)` allocates.
    pub fn capacity_bytes(n: usize) -> u64 {
        n as u64 * (size_of::<i8>() + size_of::<f32>()) as u64
    }

    /// The bytes its buffers hold now.
    #[cfg(test)]
    pub fn allocated_bytes(&self) -> usize {
        self.values.capacity() + self.scales.capacity() * size_of::<f32>()
    }

    /// Quantizes `x` in groups of `group_size` (which divides `x.len()`): each group's scale is its
    /// largest magnitude over 127, and each value is rounded to the nearest step, ties to even (one
    /// `f32.nearest` in wasm, where `round`'s ties away from zero is a libm call; an all-zero group
    /// has scale 0 and values 0).
    pub fn quantize(&mut self, x: &[f32], group_size: usize) {
        debug_assert!(x.len().is_multiple_of(group_size));
        self.group_size = group_size;
        self.values.clear();
        self.scales.clear();
        for group in x.chunks_exact(group_size) {
            let max = group.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let scale = max / 127.0;
            let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
            self.values.extend(group.iter().map(|v| (v * inverse).round_ties_even() as i8));
            self.scales.push(scale);
        }
    }
}

/// `out[r] = w[r] · x` for each row of `w`, on int8; `x` quantized in
/// [`input_group_size`]`(x.len(), w.group_size)`.
pub fn matmul(out: &mut [f32], w: &Q8Matrix, x: &Q8Vector) {
    let n = x.values.len();
    assert!(
        w.values.len() == out.len() * n && x.group_size == input_group_size(n, w.group_size),
        "q8 matmul: the matrix is not out.len() x x.len(), or x is not quantized for it"
    );
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if x.group_size == w.group_size && w.group_size.is_multiple_of(16) {
        return simd::matmul(out, w, x);
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
    if x.group_size == w.group_size && w.group_size.is_multiple_of(32) {
        return crate::avx2::q8_matmul(out, w, x);
    }
    for (r, o) in out.iter_mut().enumerate() {
        *o = row_dot(w, r, x);
    }
}

/// `w[r] · x`, run by run: a run ends at the matrix's next group boundary or the input's.
fn row_dot(w: &Q8Matrix, r: usize, x: &Q8Vector) -> f32 {
    let (n, gs, gx) = (x.values.len(), w.group_size, x.group_size);
    let start = r * n;
    let row = &w.values[start..][..n];
    let mut sum = 0.0f32;
    let mut i = 0;
    while i < n {
        let end = (i + gs - (start + i) % gs).min((i / gx + 1) * gx);
        sum += run_dot(&row[i..end], &x.values[i..end]) as f32 * w.scales[(start + i) / gs] * x.scales[i / gx];
        i = end;
    }
    sum
}

/// `Σ w[i] * x[i]` in `i32` (exact: at most 127² a product).
#[inline]
fn run_dot(w: &[i8], x: &[i8]) -> i32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (sum, done) = simd::run_dot16(w, x);
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
    let (sum, done) = crate::avx2::run_dot32(w, x);
    #[cfg(not(any(
        all(target_arch = "wasm32", target_feature = "simd128"),
        all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")
    )))]
    let (sum, done) = (0, 0);
    sum + w[done..].iter().zip(&x[done..]).map(|(&a, &b)| i32::from(a) * i32::from(b)).sum::<i32>()
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{Q8Matrix, Q8Vector};
    use crate::kernels::simd::{madd, sum_lanes};
    use core::arch::wasm32::*;

    /// Loads 16 bytes from `s[i..i + 16]`.
    ///
    /// # Safety
    /// `i + 16 <= s.len()`.
    #[inline(always)]
    unsafe fn load(s: &[i8], i: usize) -> v128 {
        debug_assert!(i + 16 <= s.len());
        // SAFETY: in bounds by the caller's promise; v128.load takes any alignment.
        unsafe { v128_load(s.as_ptr().add(i).cast::<v128>()) }
    }

    /// `acc + Σ` of the 16 products `w[i] * x[i]`, four lanes of four.
    #[inline(always)]
    fn dot16(w: v128, x: v128, acc: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            // x with w's sign, times |w| (in [0, 127]: the operand that must not have its top bit set).
            let signed = v128_bitselect(i8x16_neg(x), x, i8x16_lt(w, i8x16_splat(0)));
            i32x4_relaxed_dot_i8x16_i7x16_add(signed, i8x16_abs(w), acc)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            let low = i32x4_dot_i16x8(i16x8_extend_low_i8x16(w), i16x8_extend_low_i8x16(x));
            let high = i32x4_dot_i16x8(i16x8_extend_high_i8x16(w), i16x8_extend_high_i8x16(x));
            i32x4_add(acc, i32x4_add(low, high))
        }
    }

    /// The sum of the products of the first `16 * k` values of `w` and `x` (as many as fit), and
    /// `16 * k`.
    #[inline]
    pub fn run_dot16(w: &[i8], x: &[i8]) -> (i32, usize) {
        let n = w.len().min(x.len());
        let mut acc = i32x4_splat(0);
        let mut i = 0;
        while i + 16 <= n {
            // SAFETY: i + 16 <= n, the length of both.
            unsafe { acc = dot16(load(w, i), load(x, i), acc) };
            i += 16;
        }
        let lanes = [
            i32x4_extract_lane::<0>(acc),
            i32x4_extract_lane::<1>(acc),
            i32x4_extract_lane::<2>(acc),
            i32x4_extract_lane::<3>(acc),
        ];
        (lanes.iter().sum(), i)
    }

    /// Four rows at a time (each vector of `x` loaded once for the four, four independent chains);
    /// a group's `i32` sums are converted and scaled into an `f32x4` accumulator per row, whose
    /// lanes are added at the end.
    pub fn matmul(out: &mut [f32], w: &Q8Matrix, x: &Q8Vector) {
        let (n, gs) = (x.values.len(), w.group_size);
        let rows = out.len();
        for r in (0..rows).step_by(4) {
            let (wr, sr) = w.four_rows(r, rows, n);
            let mut f = [f32x4_splat(0.0); 4];
            for (g, &xs) in x.scales.iter().enumerate() {
                let mut acc = [i32x4_splat(0); 4];
                let mut i = g * gs;
                while i < (g + 1) * gs {
                    // SAFETY: i + 16 <= (g + 1) * gs <= n, the length of x and of each row (gs % 16 == 0).
                    unsafe {
                        let xv = load(&x.values, i);
                        for k in 0..4 {
                            acc[k] = dot16(load(wr[k], i), xv, acc[k]);
                        }
                    }
                    i += 16;
                }
                for k in 0..4 {
                    f[k] = madd(f32x4_convert_i32x4(acc[k]), f32x4_splat(sr[k][g] * xs), f[k]);
                }
            }
            for k in 0..(rows - r).min(4) {
                out[r + k] = sum_lanes(f[k]);
            }
        }
    }
}
