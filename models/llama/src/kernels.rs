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

    /// The four vectors of 16 floats.
    #[inline(always)]
    fn vectors(c: &[f32; 16]) -> [v128; 4] {
        // SAFETY: each load reads 4 of the 16 floats; wasm's v128.load takes any alignment.
        std::array::from_fn(|k| unsafe { v128_load(c.as_ptr().add(4 * k).cast::<v128>()) })
    }

    /// `out[i] = w[i] · x` for each row `w[i]` of the row-major `out.len() x x.len()` matrix `w`.
    ///
    /// One row after another, so the matrix is read front to back as one stream, which the CPU's
    /// prefetcher follows: a model's matrices come from main memory (the 15M shape's 58 MiB do not
    /// fit a cache), and reading four rows at once, to load each vector of `x` once for the four,
    /// made four short streams: the 15M shape ran 1.5× slower so in Chromium. `x` stays in the L1
    /// cache anyway; on matrices that fit a cache (stories260K's) the two shapes run within a few
    /// per cent of each other.
    pub fn matmul(out: &mut [f32], w: &[f32], x: &[f32]) {
        let n = x.len();
        assert_eq!(w.len(), out.len() * n, "matmul: the matrix is not out.len() x x.len()");
        for (o, row) in out.iter_mut().zip(w.chunks_exact(n)) {
            *o = dot(row, x);
        }
    }

    /// `a · b`, 16 floats a step over four accumulators (four independent dependency chains, so a
    /// multiply-add need not wait for the one before it).
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len(), "dot: lengths differ");
        let ((a16, a_rest), (b16, b_rest)) = (a.as_chunks::<16>(), b.as_chunks::<16>());
        let mut acc = [f32x4_splat(0.0); 4];
        for (ca, cb) in a16.iter().zip(b16) {
            let (va, vb) = (vectors(ca), vectors(cb));
            for k in 0..4 {
                acc[k] = madd(va[k], vb[k], acc[k]);
            }
        }
        let ((a4, a_tail), (b4, b_tail)) = (a_rest.as_chunks::<4>(), b_rest.as_chunks::<4>());
        for (ca, cb) in a4.iter().zip(b4) {
            // SAFETY: each load reads the 4 floats of its chunk.
            acc[0] = madd(unsafe { v128_load(ca.as_ptr().cast()) }, unsafe { v128_load(cb.as_ptr().cast()) }, acc[0]);
        }
        let tail: f32 = a_tail.iter().zip(b_tail).map(|(x, y)| x * y).sum();
        sum_lanes(f32x4_add(f32x4_add(acc[0], acc[1]), f32x4_add(acc[2], acc[3]))) + tail
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
