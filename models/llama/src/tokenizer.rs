//! llama2.c tokenizers: the file format, BPE encoding of a prompt, and decoding of a token.
//!
//! The file: an `i32` max_token_length, then for each of the checkpoint's `vocab_size` tokens an
//! `f32` score, an `i32` length and that many bytes (the piece, normally UTF-8). Ids 0, 1, 2 are
//! `<unk>`, BOS and EOS; sentencepiece's byte-fallback pieces `<0x00>`…`<0xFF>` stand for single
//! bytes. The file's length must be exactly the tokens' length: extra bytes mean the tokenizer
//! belongs to a larger vocabulary.

use crate::{Error, BOS};
use std::collections::HashMap;

/// A vocabulary with its merge scores.
pub struct Tokenizer {
    pieces: Vec<Box<[u8]>>,
    scores: Vec<f32>,
    /// Piece -> id (the first id, if a piece is listed twice).
    ids: HashMap<Box<[u8]>, u32>,
    /// The id of each byte's `<0xXX>` piece, where the vocabulary has one.
    byte_ids: [Option<u32>; 256],
    max_token_length: usize,
}

/// Every byte value, so a byte piece decodes to a slice like any other piece.
static BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = i as u8;
        i += 1;
    }
    table
};

fn bad(msg: String) -> Error {
    Error::Tokenizer(msg)
}

impl Tokenizer {
    /// Reads a tokenizer for a checkpoint with `vocab_size` tokens.
    pub fn parse(bytes: &[u8], vocab_size: usize) -> Result<Tokenizer, Error> {
        let len = bytes.len();
        let word = |at: usize| -> Option<[u8; 4]> { bytes.get(at..at + 4).map(|b| b.try_into().expect("4 bytes")) };
        let max_token_length = match word(0).map(i32::from_le_bytes) {
            None => return Err(bad(format!("{len} bytes is too short: a llama2.c tokenizer starts with an i32"))),
            Some(m) if m <= 0 => {
                return Err(bad(format!("max_token_length is {m}: is this a llama2.c tokenizer?")));
            }
            Some(m) => m as usize,
        };
        let mut pieces = Vec::with_capacity(vocab_size);
        let mut scores = Vec::with_capacity(vocab_size);
        let mut at = 4;
        for id in 0..vocab_size {
            let truncated = || {
                bad(format!(
                    "it ends ({len} bytes) inside token {id} of the {vocab_size} the checkpoint's vocabulary has: \
                     truncated, or a tokenizer for a smaller vocabulary?"
                ))
            };
            let score = f32::from_le_bytes(word(at).ok_or_else(truncated)?);
            let n = i32::from_le_bytes(word(at + 4).ok_or_else(truncated)?);
            if !score.is_finite() {
                return Err(bad(format!("token {id} has score {score}: is this a llama2.c tokenizer?")));
            }
            if n < 0 {
                return Err(bad(format!("token {id} has length {n}: is this a llama2.c tokenizer?")));
            }
            let piece = bytes.get(at + 8..at + 8 + n as usize).ok_or_else(truncated)?;
            pieces.push(Box::<[u8]>::from(piece));
            scores.push(score);
            at += 8 + n as usize;
        }
        if at != len {
            return Err(bad(format!(
                "{} bytes are left after the {vocab_size} tokens the checkpoint's vocabulary has: \
                 a tokenizer for a larger vocabulary?",
                len - at
            )));
        }
        let mut ids = HashMap::with_capacity(vocab_size);
        for (id, piece) in pieces.iter().enumerate() {
            ids.entry(piece.clone()).or_insert(id as u32);
        }
        let byte_ids = std::array::from_fn(|b| ids.get(format!("<0x{b:02X}>").as_bytes()).copied());
        Ok(Tokenizer { pieces, scores, ids, byte_ids, max_token_length })
    }

    /// How many tokens the vocabulary has.
    pub fn vocab_size(&self) -> usize {
        self.pieces.len()
    }

    /// The longest piece, as the file's header says.
    pub fn max_token_length(&self) -> usize {
        self.max_token_length
    }

    /// The piece of `id`, as stored (`<0x0A>` for a byte piece).
    pub fn piece(&self, id: u32) -> &[u8] {
        &self.pieces[id as usize]
    }

    /// The merge score of `id`.
    pub fn score(&self, id: u32) -> f32 {
        self.scores[id as usize]
    }

    /// Encodes `text` as llama2.c does: BOS first when `bos`; a space before a non-empty text
    /// (sentencepiece's dummy prefix); each character as its piece, or its UTF-8 bytes as byte
    /// pieces when the vocabulary has no such piece; then, as long as two neighbours make a piece
    /// of the vocabulary, the pair whose merged piece scores highest (the leftmost on a tie) is
    /// merged.
    pub fn encode(&self, text: &str, bos: bool) -> Result<Vec<u32>, Error> {
        let mut tokens = Vec::with_capacity(text.len() + 2);
        if bos {
            tokens.push(BOS);
        }
        let first = tokens.len();
        if !text.is_empty() {
            self.push_char(' ', &mut tokens)?;
        }
        for c in text.chars() {
            self.push_char(c, &mut tokens)?;
        }
        let mut merged = Vec::with_capacity(64);
        loop {
            let mut best: Option<(f32, usize, u32)> = None;
            for i in first..tokens.len().saturating_sub(1) {
                merged.clear();
                merged.extend_from_slice(self.piece(tokens[i]));
                merged.extend_from_slice(self.piece(tokens[i + 1]));
                if let Some(&id) = self.ids.get(merged.as_slice()) {
                    let score = self.scores[id as usize];
                    if best.is_none_or(|(s, _, _)| score > s) {
                        best = Some((score, i, id));
                    }
                }
            }
            let Some((_, i, id)) = best else { break };
            tokens[i] = id;
            tokens.remove(i + 1);
        }
        Ok(tokens)
    }

    fn push_char(&self, c: char, tokens: &mut Vec<u32>) -> Result<(), Error> {
        let mut buf = [0; 4];
        let s = c.encode_utf8(&mut buf).as_bytes();
        if let Some(&id) = self.ids.get(s) {
            tokens.push(id);
            return Ok(());
        }
        for &b in s {
            match self.byte_ids[b as usize] {
                Some(id) => tokens.push(id),
                None => {
                    return Err(Error::Prompt(format!(
                        "{c:?} is not in the vocabulary, which has no byte piece <0x{b:02X}> for it either"
                    )))
                }
            }
        }
        Ok(())
    }

    /// The bytes `token` adds to the text when it follows `prev`: its piece, without the leading
    /// space right after BOS (the dummy prefix), and a byte piece `<0xXX>` as that one byte.
    pub fn decode(&self, prev: u32, token: u32) -> &[u8] {
        let mut piece = self.piece(token);
        if prev == BOS && piece.first() == Some(&b' ') {
            piece = &piece[1..];
        }
        match byte_piece(piece) {
            Some(b) => &BYTES[b as usize..b as usize + 1],
            None => piece,
        }
    }
}

/// The byte a `<0xXX>` piece stands for (hex digits in either case, as llama2.c's `sscanf` reads them).
fn byte_piece(piece: &[u8]) -> Option<u8> {
    match piece {
        [b'<', b'0', b'x', hi, lo, b'>'] => {
            let digit = |d: u8| (d as char).to_digit(16);
            Some((digit(*hi)? * 16 + digit(*lo)?) as u8)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tokenizer file from (score, piece) pairs.
    fn file(max_len: i32, tokens: &[(f32, &str)]) -> Vec<u8> {
        let mut out = max_len.to_le_bytes().to_vec();
        for (score, piece) in tokens {
            out.extend(score.to_le_bytes());
            out.extend((piece.len() as i32).to_le_bytes());
            out.extend(piece.as_bytes());
        }
        out
    }

    fn small() -> Tokenizer {
        let toks = [
            (0.0, "<unk>"),
            (0.0, "<s>"),
            (0.0, "</s>"),
            (0.0, " "),
            (0.0, "a"),
            (0.0, "b"),
            (1.0, "ab"),
            (2.0, " ab"),
            (0.5, "ba"),
        ];
        Tokenizer::parse(&file(3, &toks), toks.len()).unwrap()
    }

    #[test]
    fn merges_by_score() {
        let t = small();
        // " " a b a b: candidates " a"(none), ab(1), ba(0.5) -> ab first (leftmost), then " ab" (2).
        assert_eq!(t.encode("abab", true).unwrap(), vec![1, 7, 6]);
        assert_eq!(t.encode("", true).unwrap(), vec![1]);
        assert_eq!(t.encode("", false).unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn missing_character_without_byte_pieces_is_an_error() {
        let err = small().encode("ac", true).unwrap_err();
        assert!(matches!(err, Error::Prompt(_)), "{err}");
        assert!(err.to_string().contains("'c'"), "{err}");
    }

    #[test]
    fn byte_pieces() {
        assert_eq!(byte_piece(b"<0x0A>"), Some(10));
        assert_eq!(byte_piece(b"<0xff>"), Some(255));
        assert_eq!(byte_piece(b"<0xG0>"), None);
        assert_eq!(byte_piece(b"<0x0A"), None);
    }

    #[test]
    fn leading_space_dropped_after_bos_only() {
        let t = small();
        assert_eq!(t.decode(BOS, 7), b"ab");
        assert_eq!(t.decode(4, 7), b" ab");
    }

    #[test]
    fn refuses_short_long_and_odd_files() {
        let toks = [(0.0, "<unk>"), (0.0, "<s>"), (0.0, "</s>")];
        let f = file(5, &toks);
        assert!(Tokenizer::parse(&f, 3).is_ok());
        let e = |r: Result<Tokenizer, Error>| r.err().expect("an error").to_string();
        assert!(e(Tokenizer::parse(&f, 4)).contains("smaller vocabulary"));
        assert!(e(Tokenizer::parse(&f, 2)).contains("larger vocabulary"));
        assert!(e(Tokenizer::parse(&f[..f.len() - 1], 3)).contains("inside token 2"));
        assert!(e(Tokenizer::parse(&[1, 0], 3)).contains("too short"));
        assert!(e(Tokenizer::parse(&file(0, &toks), 3)).contains("max_token_length"));
        let mut negative = f.clone();
        negative[8..12].copy_from_slice(&(-1i32).to_le_bytes());
        assert!(e(Tokenizer::parse(&negative, 3)).contains("length -1"));
    }
}
