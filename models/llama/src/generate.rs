//! A generation in progress: the prompt, the KV cache, the sampler, and the text so far.
//!
//! As llama2.c's `generate`: the prompt (BOS first) is run position by position, the logits after
//! its last token give the first new token, and each new token is fed back at the next position.
//! It ends when the model produces BOS or EOS, after `max_tokens`, or when the context
//! (`seq_len` positions) is full.

use crate::sampler::Sampler;
use crate::transformer::{forward, Model, State};
use crate::{Error, BOS, EOS};
use std::borrow::Borrow;

/// How to sample and when to stop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// 0 for greedy decoding; else the softmax temperature (finite, > 0).
    pub temperature: f32,
    /// Nucleus sampling's probability mass, in [0, 1]; 0 and 1 draw from everything.
    pub top_p: f32,
    pub seed: u64,
    /// The most tokens to generate, the prompt not counted.
    pub max_tokens: u32,
}

impl Options {
    /// Greedy decoding of up to `max_tokens` tokens.
    pub fn greedy(max_tokens: u32) -> Options {
        Options { temperature: 0.0, top_p: 0.0, seed: 0, max_tokens }
    }
}

/// A generated token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub id: u32,
    /// The text it adds (see [`Utf8Stream`] for characters split over byte pieces).
    pub piece: String,
}

/// Why a generation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The model produced BOS or EOS.
    EndOfText,
    MaxTokens,
    /// All `seq_len` positions are used.
    ContextFull,
}

/// One generation over a model held as `M` (`&Model`, `Rc<Model>`, …).
pub struct Generation<M: Borrow<Model>> {
    model: M,
    state: State,
    sampler: Sampler,
    prompt: Vec<u32>,
    /// The position the next forward pass runs at.
    pos: usize,
    /// The last token generated (fed at `pos` once the prompt is done).
    last: u32,
    generated: u32,
    max_tokens: u32,
    stop: Option<StopReason>,
    text: Utf8Stream,
}

impl<M: Borrow<Model>> Generation<M> {
    /// Encodes the prompt and sets up the KV cache; no forward pass runs yet.
    pub fn new(model: M, prompt: &str, options: &Options) -> Result<Self, Error> {
        let Options { temperature, top_p, seed, max_tokens } = *options;
        if !(temperature.is_finite() && temperature >= 0.0) {
            return Err(Error::Options(format!("temperature {temperature} must be a finite number >= 0")));
        }
        if !(0.0..=1.0).contains(&top_p) {
            return Err(Error::Options(format!("top-p {top_p} must be within [0, 1]")));
        }
        let m: &Model = model.borrow();
        let tokens = m.tokenizer().encode(prompt, true)?;
        let seq_len = m.config().seq_len;
        if tokens.len() > seq_len {
            return Err(Error::Prompt(format!(
                "it is {} tokens (BOS included), more than the model's context of {seq_len}",
                tokens.len()
            )));
        }
        // The last generated token is never fed back, so the cache needs prompt + max_tokens - 1 positions.
        let capacity = tokens.len().saturating_add(max_tokens as usize).saturating_sub(1).max(1);
        let state = State::new(m.config(), capacity)?;
        Ok(Generation {
            model,
            state,
            sampler: Sampler::new(temperature, top_p, seed),
            prompt: tokens,
            pos: 0,
            last: BOS,
            generated: 0,
            max_tokens,
            stop: None,
            text: Utf8Stream::default(),
        })
    }

    /// The prompt's token ids, BOS first.
    pub fn prompt(&self) -> &[u32] {
        &self.prompt
    }

    /// Why the generation ended, once it has.
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.stop
    }

    /// Runs the model to the next token (through the whole prompt on the first call).
    pub fn next_token(&mut self) -> Option<Token> {
        if self.stop.is_some() {
            return None;
        }
        let model: &Model = self.model.borrow();
        let seq_len = model.config().seq_len;
        if self.generated >= self.max_tokens {
            self.stop = Some(StopReason::MaxTokens);
            return None;
        }
        if self.pos >= seq_len {
            self.stop = Some(StopReason::ContextFull);
            return None;
        }
        while self.pos + 1 < self.prompt.len() {
            forward(model, &mut self.state, self.prompt[self.pos], self.pos);
            self.pos += 1;
        }
        let current = if self.pos < self.prompt.len() { self.prompt[self.pos] } else { self.last };
        let logits = forward(model, &mut self.state, current, self.pos);
        self.pos += 1;
        let next = self.sampler.sample(logits);
        if next == BOS || next == EOS {
            self.stop = Some(StopReason::EndOfText);
            return None;
        }
        self.last = next;
        self.generated += 1;
        let ends = self.generated >= self.max_tokens || self.pos >= seq_len;
        let piece = self.text.push(model.tokenizer().decode(current, next), ends);
        Some(Token { id: next, piece })
    }
}

impl<M: Borrow<Model>> Iterator for Generation<M> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        self.next_token()
    }
}

/// Turns the bytes of successive tokens into text. A character whose UTF-8 bytes come from several
/// byte pieces is held back until its last byte arrives; bytes that can never be UTF-8 become
/// U+FFFD, as does an unfinished character when the text ends (`last`). An unfinished character
/// when the model ends the text itself (EOS) is dropped.
#[derive(Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    pub fn push(&mut self, bytes: &[u8], last: bool) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        let mut rest: &[u8] = &self.pending;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    rest = &[];
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).expect("valid up to here"));
                    match e.error_len() {
                        Some(n) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            rest = &bad[n..];
                        }
                        None if last => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            rest = &[];
                        }
                        None => {
                            rest = bad;
                            break;
                        }
                    }
                }
            }
        }
        let keep = rest.len();
        self.pending.drain(..self.pending.len() - keep);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Utf8Stream;

    #[test]
    fn utf8_split_over_pieces() {
        let mut s = Utf8Stream::default();
        let snow = "☃".as_bytes(); // 3 bytes
        assert_eq!(s.push(b"a", false), "a");
        assert_eq!(s.push(&snow[..1], false), "");
        assert_eq!(s.push(&snow[1..2], false), "");
        assert_eq!(s.push(&snow[2..], false), "☃");
        assert_eq!(s.push(&[0xff, b'b'], false), "\u{fffd}b");
        assert_eq!(s.push(&snow[..2], true), "\u{fffd}");
        assert_eq!(s.push(b"c", false), "c");
    }
}
