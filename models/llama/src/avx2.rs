//! The native build's own vectorised kernels, for x86_64 with AVX2 and FMA (built with
//! `-C target-cpu=native` on such a machine, as `npm run bench` does): the wasm kernels' shapes
//! (f32 products one row after another, int8 ones four rows at a time) on 8-lane `f32` vectors
//! with fused multiply-adds, and llama.cpp's int8 dot product (`|w|` times `x` with `w`'s sign,
//! `vpmaddubsw` then `vpmaddwd`: 32 products a step, exact for values in [-127, 127]). They exist
//! so the bench compares the components with native code that is vectorised too, not with the
//! scalar loops, which rustc does not vectorise (it does not reorder float sums by itself).
//!
//! The intrinsics run in `unsafe` blocks: this module is compiled only when the build enables
//! `avx2` and `fma` (lib.rs), which is what they require; each load and store says why it is in
//! bounds.

use crate::q8::{Q8Matrix, Q8Vector};
use core::arch::x86_64::*;

/// Loads 8 floats from `s[i..i + 8]`.
///
/// # Safety
/// `i + 8 <= s.len()`.
#[inline(always)]
unsafe fn load(s: &[f32], i: usize) -> __m256 {
    debug_assert!(i + 8 <= s.len());
    _mm256_loadu_ps(s.as_ptr().add(i))
}

/// Loads 32 bytes from `s[i..i + 32]`.
///
/// # Safety
/// `i + 32 <= s.len()`.
#[inline(always)]
unsafe fn load_i8(s: &[i8], i: usize) -> __m256i {
    debug_assert!(i + 32 <= s.len());
    _mm256_loadu_si256(s.as_ptr().add(i).cast())
}

#[inline(always)]
fn sum_lanes(v: __m256) -> f32 {
    // SAFETY: avx2 and fma are enabled (see the top of this file).
    unsafe {
        let quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
        _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps::<1>(pair, pair)))
    }
}

/// `out[i] = w[i] · x` for each row `w[i]` of the row-major `out.len() x x.len()` matrix `w`: as
/// the wasm SIMD kernel, one row after another, so the matrix is read front to back as one stream
/// the prefetcher follows (four rows at once made the 15M shape 1.4× slower natively too).
pub fn matmul(out: &mut [f32], w: &[f32], x: &[f32]) {
    let n = x.len();
    assert_eq!(w.len(), out.len() * n, "matmul: the matrix is not out.len() x x.len()");
    for (o, row) in out.iter_mut().zip(w.chunks_exact(n)) {
        *o = dot(row, x);
    }
}

/// `a · b`, 32 floats a step over four accumulators (four independent dependency chains).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "dot: lengths differ");
    let ((a32, a_rest), (b32, b_rest)) = (a.as_chunks::<32>(), b.as_chunks::<32>());
    let ((a8, a_tail), (b8, b_tail)) = (a_rest.as_chunks::<8>(), b_rest.as_chunks::<8>());
    // SAFETY: avx2 and fma are enabled; each load reads 8 floats of its chunk.
    let acc = unsafe {
        let mut acc = [_mm256_setzero_ps(); 4];
        for (ca, cb) in a32.iter().zip(b32) {
            for (k, sum) in acc.iter_mut().enumerate() {
                *sum = _mm256_fmadd_ps(load(ca, 8 * k), load(cb, 8 * k), *sum);
            }
        }
        for (ca, cb) in a8.iter().zip(b8) {
            acc[0] = _mm256_fmadd_ps(load(ca, 0), load(cb, 0), acc[0]);
        }
        _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]))
    };
    sum_lanes(acc) + a_tail.iter().zip(b_tail).map(|(x, y)| x * y).sum::<f32>()
}

/// `att[t] = scale * (q · k_t)` for each position `t`, where `k_t = keys[t * stride..][..q.len()]`.
pub fn scores(att: &mut [f32], q: &[f32], keys: &[f32], stride: usize, scale: f32) {
    for (t, a) in att.iter_mut().enumerate() {
        *a = dot(q, &keys[t * stride..][..q.len()]) * scale;
    }
}

/// `out = Σ_t att[t] * v_t`, where `v_t = values[t * stride..][..out.len()]`: eight floats of `out`
/// at a time, kept in a register over all positions.
pub fn weighted_sum(out: &mut [f32], att: &[f32], values: &[f32], stride: usize) {
    let hs = out.len();
    let positions = att.len();
    assert!(positions == 0 || (positions - 1) * stride + hs <= values.len(), "weighted_sum: the values end early");
    let hs8 = hs & !7;
    for i in (0..hs8).step_by(8) {
        // SAFETY: avx2 and fma are enabled; position t's vector is values[t * stride..][..hs], in
        // bounds by the assert above, and i + 8 <= hs8 <= hs = out.len().
        unsafe {
            let mut acc = _mm256_setzero_ps();
            for (t, &a) in att.iter().enumerate() {
                acc = _mm256_fmadd_ps(_mm256_set1_ps(a), load(values, t * stride + i), acc);
            }
            _mm256_storeu_ps(out.as_mut_ptr().add(i), acc);
        }
    }
    for (j, o) in out.iter_mut().enumerate().skip(hs8) {
        *o = att.iter().enumerate().map(|(t, &a)| a * values[t * stride + j]).sum();
    }
}

/// `acc + Σ` of the 32 products `w[i] * x[i]`, in eight `i32` lanes; exact when every value is in
/// [-127, 127] (each pair of products then fits the `i16` that `vpmaddubsw` saturates to).
#[inline(always)]
fn dot32(w: __m256i, x: __m256i, acc: __m256i) -> __m256i {
    // SAFETY: avx2 is enabled.
    unsafe {
        let pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
        _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)))
    }
}

#[inline(always)]
fn sum_i32(v: __m256i) -> i32 {
    // SAFETY: avx2 is enabled.
    unsafe {
        let quad = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
        let pair = _mm_add_epi32(quad, _mm_unpackhi_epi64(quad, quad));
        _mm_cvtsi128_si32(_mm_add_epi32(pair, _mm_shuffle_epi32::<1>(pair)))
    }
}

/// The sum of the products of the first `32 * k` values of `w` and `x` (as many as fit), and `32 * k`.
pub fn run_dot32(w: &[i8], x: &[i8]) -> (i32, usize) {
    let n = w.len().min(x.len());
    let mut i = 0;
    // SAFETY: avx2 is enabled; i + 32 <= n, the length of both.
    let vector = unsafe {
        let mut v = _mm256_setzero_si256();
        while i + 32 <= n {
            v = dot32(load_i8(w, i), load_i8(x, i), v);
            i += 32;
        }
        v
    };
    (sum_i32(vector), i)
}

/// A Q8_0 product whose rows are whole groups of a multiple of 32, `x` quantized in the same
/// groups: four rows at a time (each vector of `x` loaded once for the four), each group's `i32`
/// sums converted and scaled into an 8-lane `f32` accumulator per row, whose lanes are added at the end.
pub fn q8_matmul(out: &mut [f32], w: &Q8Matrix, x: &Q8Vector) {
    let (xv, xs) = (&x.values, &x.scales);
    let (n, gs) = (xv.len(), w.group_size);
    let rows = out.len();
    for r in (0..rows).step_by(4) {
        let (wr, sr) = w.four_rows(r, rows, n);
        // SAFETY: avx2 and fma are enabled; every load reads [i, i + 32) with i + 32 <= (g + 1) * gs
        // <= n, the length of x and of each row (gs % 32 == 0).
        let f = unsafe {
            let mut f = [_mm256_setzero_ps(); 4];
            for (g, &s) in xs.iter().enumerate() {
                let mut acc = [_mm256_setzero_si256(); 4];
                for i in (g * gs..(g + 1) * gs).step_by(32) {
                    let xq = load_i8(xv, i);
                    for k in 0..4 {
                        acc[k] = dot32(load_i8(wr[k], i), xq, acc[k]);
                    }
                }
                for k in 0..4 {
                    f[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[k]), _mm256_set1_ps(sr[k][g] * s), f[k]);
                }
            }
            f
        };
        for k in 0..(rows - r).min(4) {
            out[r + k] = sum_lanes(f[k]);
        }
    }
}
