//! The arithmetic the forward pass spends its time in: matrix-vector products, and attention's
//! scores (a query against every cached key) and weighted sums (of the cached values).
//!
//! Three builds, chosen when the crate is compiled: with the `simd128` target feature on wasm32
//! (`RUSTFLAGS="-C target-feature=+simd128"`, the `llama.wasm` build) they use `core::arch::wasm32`
//! f32x4 vectors with several accumulators; with `relaxed-simd` as well (`llama-relaxed.wasm`) each
//! multiply-add is one `f32x4.relaxed_madd`, which the engine may fuse (one rounding instead of
//! two); natively on x86_64 with AVX2 and FMA enabled (`-C target-cpu=native`, the bench's native
//! build) the kernels of [`crate::avx2`]; otherwise (`llama-scalar.wasm`, and the native build the
//! tests run) plain loops that sum in order. rustc does not vectorise the plain loops without `simd128`, so the scalar build is
//! scalar. Summing in another order, or fusing, changes the last bits of the results, not which
//! token is the most likely. The int8 kernels of Q8_0 checkpoints are in [`crate::q8`].

/// Which kernels this build runs: `"relaxed-simd"`, `"simd"`, `"avx2-fma"` (natively, see
/// [`crate::avx2`]) or `"scalar"`.
pub const KERNEL: &str = if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
    "relaxed-simd"
} else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
    "simd"
} else if cfg!(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")) {
    "avx2-fma"
} else {
    "scalar"
};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd::{matmul, scores, weighted_sum};

#[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
pub use crate::avx2::{matmul, scores, weighted_sum};

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")
)))]
pub use scalar::{matmul, scores, weighted_sum};

/// Plain loops.
#[cfg_attr(
    any(
        all(target_arch = "wasm32", target_feature = "simd128"),
        all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")
    ),
    allow(dead_code)
)]
pub mod scalar {
    /// `out[i] = w[i] · x` for each row `w[i]` of the row-major `out.len() x x.len()` matrix `w`.
    pub fn matmul(out: &mut [f32], w: &[f32], x: &[f32]) {
        let n = x.len();
        assert_eq!(w.len(), out.len() * n, "matmul: the matrix is not out.len() x x.len()");
        for (o, row) in out.iter_mut().zip(w.chunks_exact(n)) {
            *o = dot(row, x);
        }
    }

    /// `a · b`.
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len(), "dot: lengths differ");
        let mut sum = 0.0f32;
        for (x, y) in a.iter().zip(b) {
            sum += x * y;
        }
        sum
    }

    /// `att[t] = scale * (q · k_t)` for each position `t`, where `k_t = keys[t * stride..][..q.len()]`.
    pub fn scores(att: &mut [f32], q: &[f32], keys: &[f32], stride: usize, scale: f32) {
        for (t, a) in att.iter_mut().enumerate() {
            *a = dot(q, &keys[t * stride..][..q.len()]) * scale;
        }
    }

    /// `out = Σ_t att[t] * v_t`, where `v_t = values[t * stride..][..out.len()]`.
    pub fn weighted_sum(out: &mut [f32], att: &[f32], values: &[f32], stride: usize) {
        let hs = out.len();
        out.fill(0.0);
        for (t, &a) in att.iter().enumerate() {
            for (o, v) in out.iter_mut().zip(&values[t * stride..][..hs]) {
                *o += a * v;
            }
        }
    }
}

/// wasm SIMD128: four f32 lanes a vector, several independent accumulators so additions overlap.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use core::arch::wasm32::*;

    /// Loads 4 floats from `s[i..i + 4]`.
    ///
    /// # Safety
    /// `i + 4 <= s.len()`.
    #[inline(always)]
    unsafe fn load(s: &[f32], i: usize) -> v128 {
        debug_assert!(i + 4 <= s.len());
        // SAFETY: in bounds by the caller's promise; wasm's v128.load takes any alignment.
        unsafe { v128_load(s.as_ptr().add(i).cast::<v128>()) }
    }

    /// `acc + a * b`: one `f32x4.relaxed_madd` in the relaxed-simd build (fused where the engine
    /// fuses), a multiply then an add otherwise.
    #[inline(always)]
    pub(crate) fn madd(a: v128, b: v128, acc: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f32x4_relaxed_madd(a, b, acc)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f32x4_add(acc, f32x4_mul(a, b))
        }
    }

    #[inline(always)]
    pub(crate) fn sum_lanes(v: v128) -> f32 {
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v))
            + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
    }

    /// `out[i] = w[i] · x` for each row `w[i]` of the row-major `out.len() x x.len()` matrix `w`.
    ///
    /// Four rows at a time, 8 floats of each a step: each pair of vectors of `x` is loaded once for
    /// the four rows, and the eight sums (two a row) are eight independent dependency chains, so a
    /// multiply-add need not wait for the one before it.
    pub fn matmul(out: &mut [f32], w: &[f32], x: &[f32]) {
        let n = x.len();
        assert_eq!(w.len(), out.len() * n, "matmul: the matrix is not out.len() x x.len()");
        let (n8, n4) = (n & !7, n & !3);
        let rows4 = out.len() & !3;
        for r in (0..rows4).step_by(4) {
            let rows: [&[f32]; 4] = std::array::from_fn(|k| &w[(r + k) * n..][..n]);
            let mut even = [f32x4_splat(0.0); 4];
            let mut odd = [f32x4_splat(0.0); 4];
            let mut i = 0;
            while i < n8 {
                // SAFETY: i + 8 <= n8 <= n, the length of x and of each row.
                unsafe {
                    let (x0, x1) = (load(x, i), load(x, i + 4));
                    for k in 0..4 {
                        even[k] = madd(load(rows[k], i), x0, even[k]);
                        odd[k] = madd(load(rows[k], i + 4), x1, odd[k]);
                    }
                }
                i += 8;
            }
            if i < n4 {
                // SAFETY: i + 4 <= n4 <= n.
                unsafe {
                    let x0 = load(x, i);
                    for k in 0..4 {
                        even[k] = madd(load(rows[k], i), x0, even[k]);
                    }
                }
            }
            for k in 0..4 {
                out[r + k] = sum_lanes(f32x4_add(even[k], odd[k])) + (n4..n).map(|j| rows[k][j] * x[j]).sum::<f32>();
            }
        }
        for r in rows4..out.len() {
            out[r] = dot(&w[r * n..][..n], x);
        }
    }

    /// `a · b`, 16 floats an iteration over four accumulators.
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len();
        assert_eq!(n, b.len(), "dot: lengths differ");
        let (mut a0, mut a1, mut a2, mut a3) = (f32x4_splat(0.0), f32x4_splat(0.0), f32x4_splat(0.0), f32x4_splat(0.0));
        let mut i = 0;
        // SAFETY (all loads): each reads [i, i + 4) with i + 4 <= n.
        while i + 16 <= n {
            unsafe {
                a0 = madd(load(a, i), load(b, i), a0);
                a1 = madd(load(a, i + 4), load(b, i + 4), a1);
                a2 = madd(load(a, i + 8), load(b, i + 8), a2);
                a3 = madd(load(a, i + 12), load(b, i + 12), a3);
            }
            i += 16;
        }
        while i + 4 <= n {
            unsafe {
                a0 = madd(load(a, i), load(b, i), a0);
            }
            i += 4;
        }
        let mut sum = sum_lanes(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)));
        for j in i..n {
            sum += a[j] * b[j];
        }
        sum
    }

    /// `att[t] = scale * (q · k_t)` for each position `t`, where `k_t = keys[t * stride..][..q.len()]`.
    ///
    /// Two positions at a time (two independent chains), each over the head's vectors of 4.
    pub fn scores(att: &mut [f32], q: &[f32], keys: &[f32], stride: usize, scale: f32) {
        let hs = q.len();
        if !hs.is_multiple_of(4) {
            return super::scalar::scores(att, q, keys, stride, scale);
        }
        let positions = att.len();
        assert!(positions == 0 || (positions - 1) * stride + hs <= keys.len(), "scores: the keys end early");
        let mut t = 0;
        while t + 2 <= positions {
            let (k0, k1) = (&keys[t * stride..][..hs], &keys[(t + 1) * stride..][..hs]);
            let (mut a0, mut a1) = (f32x4_splat(0.0), f32x4_splat(0.0));
            let mut i = 0;
            while i < hs {
                // SAFETY: i + 4 <= hs, the length of q, k0 and k1.
                unsafe {
                    let qv = load(q, i);
                    a0 = madd(qv, load(k0, i), a0);
                    a1 = madd(qv, load(k1, i), a1);
                }
                i += 4;
            }
            att[t] = sum_lanes(a0) * scale;
            att[t + 1] = sum_lanes(a1) * scale;
            t += 2;
        }
        if t < positions {
            att[t] = dot(q, &keys[t * stride..][..hs]) * scale;
        }
    }

    /// `out = Σ_t att[t] * v_t`, where `v_t = values[t * stride..][..out.len()]`.
    ///
    /// Four floats of `out` at a time, kept in two registers (even and odd positions) over all positions.
    pub fn weighted_sum(out: &mut [f32], att: &[f32], values: &[f32], stride: usize) {
        let hs = out.len();
        if !hs.is_multiple_of(4) {
            return super::scalar::weighted_sum(out, att, values, stride);
        }
        let positions = att.len();
        assert!(positions == 0 || (positions - 1) * stride + hs <= values.len(), "weighted_sum: the values end early");
        for i in (0..hs).step_by(4) {
            let (mut a0, mut a1) = (f32x4_splat(0.0), f32x4_splat(0.0));
            let mut t = 0;
            // SAFETY (all loads): position t's vector is values[t * stride..][..hs], in bounds by the
            // assert above, and i + 4 <= hs.
            while t + 2 <= positions {
                unsafe {
                    a0 = madd(f32x4_splat(att[t]), load(values, t * stride + i), a0);
                    a1 = madd(f32x4_splat(att[t + 1]), load(values, (t + 1) * stride + i), a1);
                }
                t += 2;
            }
            if t < positions {
                unsafe {
                    a0 = madd(f32x4_splat(att[t]), load(values, t * stride + i), a0);
                }
            }
            // SAFETY: i + 4 <= hs = out.len().
            unsafe { v128_store(out.as_mut_ptr().add(i).cast::<v128>(), f32x4_add(a0, a1)) };
        }
    }
}
