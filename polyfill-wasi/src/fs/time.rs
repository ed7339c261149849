//! Timestamps: `wasi:clocks/wall-clock.datetime`, the clock the filesystem reads, and
//! `new-timestamp` (what `set-times` asks for).
//!
//! The filesystem never reads a system clock itself: wasm32-unknown-unknown has none, and native
//! tests want a clock they control. The web bridge passes one over `Date.now()`.

use super::error::{ErrorCode, Result};

/// Seconds and nanoseconds since the Unix epoch (`wasi:clocks/wall-clock.datetime`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub seconds: u64,
    /// Always below 1 000 000 000.
    pub nanoseconds: u32,
}

const NANOS_PER_SECOND: u32 = 1_000_000_000;

impl Timestamp {
    /// A timestamp from a WIT `datetime`, whose nanoseconds may exceed a second: they carry into
    /// the seconds, as wasmtime does (`Duration::new`). `overflow` if the seconds overflow.
    pub fn new(seconds: u64, nanoseconds: u32) -> Result<Self> {
        let carry = u64::from(nanoseconds / NANOS_PER_SECOND);
        let seconds = seconds.checked_add(carry).ok_or(ErrorCode::Overflow)?;
        Ok(Self { seconds, nanoseconds: nanoseconds % NANOS_PER_SECOND })
    }

    /// From milliseconds since the epoch (what `Date.now()` gives); negative times clamp to 0.
    pub fn from_millis(millis: f64) -> Self {
        if millis.is_nan() || millis <= 0.0 {
            return Self::default();
        }
        let whole = millis.floor();
        let seconds = (whole / 1000.0).floor();
        let nanos = ((millis - seconds * 1000.0) * 1_000_000.0).round();
        let nanoseconds = (nanos as u32).min(NANOS_PER_SECOND - 1);
        Self { seconds: seconds as u64, nanoseconds }
    }
}

/// Where the filesystem gets "now" from.
pub trait Clock {
    fn now(&self) -> Timestamp;
}

/// A clock that stays where it is put: native tests, and hosts without a clock.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: core::cell::Cell<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self { now: core::cell::Cell::new(start) }
    }

    pub fn set(&self, now: Timestamp) {
        self.now.set(now);
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: u64) {
        let now = self.now.get();
        self.now.set(Timestamp { seconds: now.seconds + seconds, ..now });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.now.get()
    }
}

/// `new-timestamp`: what `set-times` and `set-times-at` do to one timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewTimestamp {
    NoChange,
    Now,
    At(Timestamp),
}

impl NewTimestamp {
    /// The bridge's encoding: `kind` 0 no-change, 1 now, 2 the given datetime.
    pub fn decode(kind: u8, seconds: u64, nanoseconds: u32) -> Result<Self> {
        match kind {
            0 => Ok(Self::NoChange),
            1 => Ok(Self::Now),
            2 => Timestamp::new(seconds, nanoseconds).map(Self::At),
            _ => Err(ErrorCode::Invalid),
        }
    }

    /// The value to store, or `None` to leave the timestamp as it is.
    pub(crate) fn resolve(self, now: Timestamp) -> Option<Timestamp> {
        match self {
            Self::NoChange => None,
            Self::Now => Some(now),
            Self::At(t) => Some(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanoseconds_carry_into_seconds() {
        assert_eq!(Timestamp::new(1, 2_500_000_000).unwrap(), Timestamp { seconds: 3, nanoseconds: 500_000_000 });
        assert_eq!(Timestamp::new(u64::MAX, 1_000_000_000), Err(ErrorCode::Overflow));
        assert_eq!(Timestamp::new(u64::MAX, 999_999_999).unwrap().seconds, u64::MAX);
    }

    #[test]
    fn from_date_now_milliseconds() {
        assert_eq!(
            Timestamp::from_millis(1_700_000_000_123.0),
            Timestamp { seconds: 1_700_000_000, nanoseconds: 123_000_000 }
        );
        assert_eq!(Timestamp::from_millis(-5.0), Timestamp::default());
        assert_eq!(Timestamp::from_millis(f64::NAN), Timestamp::default());
    }

    #[test]
    fn new_timestamp_encoding() {
        let now = Timestamp { seconds: 9, nanoseconds: 0 };
        assert_eq!(NewTimestamp::decode(0, 5, 5).unwrap().resolve(now), None);
        assert_eq!(NewTimestamp::decode(1, 5, 5).unwrap().resolve(now), Some(now));
        assert_eq!(NewTimestamp::decode(2, 5, 5).unwrap().resolve(now), Some(Timestamp { seconds: 5, nanoseconds: 5 }));
        assert_eq!(NewTimestamp::decode(3, 0, 0), Err(ErrorCode::Invalid));
    }
}
