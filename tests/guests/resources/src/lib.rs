//! `resources`: a guest-defined resource (`counter`) exported as a JS class, and a host-defined
//! one (`blob`) used from the guest, including calls that break the handle rules on purpose.

wit_bindgen::generate!({ world: "resources" });

use example::resources::host::{self, Blob};
use exports::example::resources::api::{Counter, CounterBorrow, Guest, GuestCounter, Labelled};
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU32, Ordering};

static LIVE: AtomicU32 = AtomicU32::new(0);
static DROPPED: AtomicU32 = AtomicU32::new(0);

struct MyCounter {
    value: Cell<i32>,
    label: RefCell<String>,
}

impl MyCounter {
    fn make(value: i32, label: String) -> MyCounter {
        LIVE.fetch_add(1, Ordering::Relaxed);
        MyCounter { value: Cell::new(value), label: RefCell::new(label) }
    }
}

impl Drop for MyCounter {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
        DROPPED.fetch_add(1, Ordering::Relaxed);
        host::log(&format!("drop {}", self.label.borrow()));
    }
}

impl GuestCounter for MyCounter {
    fn new(start: i32) -> MyCounter {
        MyCounter::make(start, format!("c{start}"))
    }

    fn get(&self) -> i32 {
        self.value.get()
    }

    fn add(&self, by: i32) -> i32 {
        self.value.set(self.value.get().wrapping_add(by));
        self.value.get()
    }

    fn label(&self) -> String {
        self.label.borrow().clone()
    }

    fn set_label(&self, label: String) {
        *self.label.borrow_mut() = label;
    }

    fn duplicate(&self) -> Counter {
        Counter::new(MyCounter::make(self.value.get(), format!("{}'", self.label.borrow())))
    }

    fn absorb(&self, other: CounterBorrow<'_>) -> i32 {
        let other = other.get::<MyCounter>().value.get();
        self.add(other)
    }

    fn swallow(&self, other: Counter) -> i32 {
        let other = other.get::<MyCounter>().value.get();
        self.add(other)
    }

    fn sum(a: CounterBorrow<'_>, b: CounterBorrow<'_>) -> i32 {
        a.get::<MyCounter>().value.get().wrapping_add(b.get::<MyCounter>().value.get())
    }

    fn doubled(c: Counter) -> Counter {
        {
            let inner = c.get::<MyCounter>();
            inner.value.set(inner.value.get().wrapping_mul(2));
        }
        c
    }

    fn many(n: u32) -> Vec<Counter> {
        (0..n).map(|i| Counter::new(MyCounter::make(i as i32, format!("m{i}")))).collect()
    }
}

struct Resources;

impl Guest for Resources {
    type Counter = MyCounter;

    fn live() -> u32 {
        LIVE.load(Ordering::Relaxed)
    }

    fn dropped() -> u32 {
        DROPPED.load(Ordering::Relaxed)
    }

    fn maybe(c: Option<Counter>) -> Option<Counter> {
        c
    }

    fn wrap(name: String, item: Counter) -> Labelled {
        Labelled { name, item }
    }

    fn tag(item: Counter, name: String) -> Labelled {
        Labelled { name, item }
    }

    fn unwrap(l: Labelled) -> Counter {
        l.item
    }

    fn blob_roundtrip(data: Vec<u8>) -> Vec<u8> {
        let blob = Blob::new(&data);
        blob.write(b"!");
        assert_eq!(blob.size() as usize, data.len() + 1);
        blob.read()
    }

    fn blob_size(b: &Blob) -> u32 {
        b.size()
    }

    fn blob_take(b: Blob) -> u32 {
        let n = b.size();
        drop(b);
        n
    }

    fn blob_make(data: Vec<u8>) -> Blob {
        Blob::new(&data)
    }

    fn blob_concat(a: Vec<u8>, b: Vec<u8>) -> Vec<u8> {
        Blob::concat(Blob::new(&a), Blob::new(&b)).read()
    }

    fn blob_lend(data: Vec<u8>) -> u32 {
        let blob = Blob::new(&data);
        let peeked = host::peek(&blob);
        peeked + host::consume(blob)
    }

    fn blob_relend(b: &Blob) -> u32 {
        host::peek(b)
    }

    fn misuse(what: String) -> u32 {
        match what.as_str() {
            "use-after-drop" => {
                let blob = Blob::new(b"x");
                let raw = blob.handle();
                drop(blob);
                // SAFETY: deliberately wrong, the handle was dropped: the host must trap.
                let stale = unsafe { Blob::from_handle(raw) };
                stale.size()
            }
            "unknown-handle" => {
                // SAFETY: deliberately wrong, no such handle: the host must trap.
                let bogus = unsafe { Blob::from_handle(4242) };
                bogus.size()
            }
            "own-twice" => {
                let blob = Blob::new(b"x");
                // SAFETY: deliberately wrong, one own handle passed twice: the host must trap.
                let again = unsafe { Blob::from_handle(blob.handle()) };
                host::consume_two(blob, again)
            }
            "own-while-lent" => {
                let blob = Blob::new(b"x");
                // SAFETY: deliberately wrong, the handle is lent (borrow) and moved (own) in one call.
                let again = unsafe { Blob::from_handle(blob.handle()) };
                host::borrow_then_own(&blob, again)
            }
            _ => 0,
        }
    }

    fn misuse_borrow_as_own(b: &Blob) -> u32 {
        // SAFETY: deliberately wrong, a borrow handle passed as an own: the host must trap.
        let owned = unsafe { Blob::from_handle(b.take_handle()) };
        host::consume(owned)
    }

    fn misuse_keep_borrow(b: &Blob) {
        // The borrow is never dropped: the host must trap when the call returns.
        let _ = b.take_handle();
    }
}

export!(Resources);
