//! Picking the next token from the logits.
//!
//! Temperature 0 takes the most likely token (the first, on a tie). Otherwise the logits are
//! divided by the temperature and turned into probabilities (softmax), and one token is drawn with
//! a coin from a seeded xorshift generator: from the whole distribution when `top_p` is 0 or 1,
//! else from the smallest set of most likely tokens whose probabilities exceed `top_p` (nucleus
//! sampling). The generator and the draws are llama2.c's, so a seed gives the same draws as
//! `run -s seed`; the same seed always gives the same tokens here.

/// A token picker with its own random state.
pub struct Sampler {
    temperature: f32,
    top_p: f32,
    rng: u64,
    /// Scratch for top-p: (probability, token) of the candidates.
    candidates: Vec<(f32, u32)>,
}

impl Sampler {
    /// `temperature` >= 0 and `top_p` in [0, 1] (checked by the caller). Seed 0, which would leave
    /// xorshift stuck at 0, stands for a fixed non-zero seed.
    pub fn new(temperature: f32, top_p: f32, seed: u64) -> Sampler {
        let rng = if seed == 0 { 0x2545_f491_4f6c_dd1d } else { seed };
        Sampler { temperature, top_p, rng, candidates: Vec::new() }
    }

    /// The most bytes its scratch takes for a vocabulary of `vocab_size` (top-p keeps up to all of it).
    pub fn scratch_bytes(vocab_size: usize) -> u64 {
        vocab_size as u64 * size_of::<(f32, u32)>() as u64
    }

    /// xorshift64*, the top 32 bits.
    fn next_u32(&mut self) -> u32 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    }

    /// A float in [0, 1) with 24 random bits.
    fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 / 16_777_216.0
    }

    /// Picks a token. The logits are overwritten (with probabilities, when sampling).
    pub fn sample(&mut self, logits: &mut [f32]) -> u32 {
        if self.temperature == 0.0 {
            return argmax(logits);
        }
        for l in logits.iter_mut() {
            *l /= self.temperature;
        }
        softmax(logits);
        let coin = self.next_f32();
        if self.top_p <= 0.0 || self.top_p >= 1.0 {
            sample_cdf(logits, coin)
        } else {
            self.sample_top_p(logits, coin)
        }
    }

    fn sample_top_p(&mut self, probs: &[f32], coin: f32) -> u32 {
        // Tokens below (1 - top_p) / (n - 1) can never be in the nucleus: drop them before sorting.
        let cutoff = (1.0 - self.top_p) / (probs.len() - 1).max(1) as f32;
        self.candidates.clear();
        self.candidates.extend(probs.iter().enumerate().filter(|(_, &p)| p >= cutoff).map(|(i, &p)| (p, i as u32)));
        if self.candidates.is_empty() {
            // Only when top_p < 1 / n and the distribution is near uniform: take the most likely.
            return argmax(probs);
        }
        // Most likely first; a tie keeps token order (the sort is stable).
        self.candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut total = 0.0f32;
        let mut last = self.candidates.len() - 1;
        for (i, &(p, _)) in self.candidates.iter().enumerate() {
            total += p;
            if total > self.top_p {
                last = i;
                break;
            }
        }
        let r = coin * total;
        let mut cdf = 0.0f32;
        for &(p, token) in &self.candidates[..=last] {
            cdf += p;
            if r < cdf {
                return token;
            }
        }
        self.candidates[last].1
    }
}

/// The index of the largest value, the first one on a tie.
pub fn argmax(x: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate() {
        if v > x[best] {
            best = i;
        }
    }
    best as u32
}

fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in x.iter_mut() {
        *v /= sum;
    }
}

/// The token where the cumulative probability first exceeds `coin`.
fn sample_cdf(probs: &[f32], coin: f32) -> u32 {
    let mut cdf = 0.0f32;
    for (i, &p) in probs.iter().enumerate() {
        cdf += p;
        if coin < cdf {
            return i as u32;
        }
    }
    (probs.len() - 1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_takes_the_first_maximum() {
        let mut s = Sampler::new(0.0, 0.9, 1);
        assert_eq!(s.sample(&mut [0.1, 3.0, -1.0, 3.0]), 1);
    }

    #[test]
    fn xorshift_matches_llama2c() {
        // llama2.c's random_u32 from state 42, computed by hand from its definition.
        let mut s = Sampler::new(1.0, 0.0, 42);
        let mut state: u64 = 42;
        for _ in 0..5 {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            assert_eq!(s.next_u32(), (state.wrapping_mul(0x2545F4914F6CDD1D) >> 32) as u32);
        }
    }

    #[test]
    fn same_seed_same_draws_and_top_p_stays_in_the_nucleus() {
        let logits: Vec<f32> = (0..50).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        let draw = |seed, top_p| {
            let mut s = Sampler::new(0.8, top_p, seed);
            (0..200).map(|_| s.sample(&mut logits.clone())).collect::<Vec<u32>>()
        };
        assert_eq!(draw(7, 0.9), draw(7, 0.9));
        assert_ne!(draw(7, 0.9), draw(8, 0.9));
        // With a tiny top_p only the most likely token is ever drawn.
        let top = argmax(&logits);
        assert!(draw(3, 1e-6).iter().all(|&t| t == top));
        // With the full distribution, more than one token shows up.
        let all = draw(3, 1.0);
        assert!(all.iter().any(|&t| t != all[0]));
    }
}
