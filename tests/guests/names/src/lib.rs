//! `names`: exports a resource, records and lists for `greeter` to use across a composition.

wit_bindgen::generate!({ world: "names-world", path: "../compose-wit" });

use exports::example::compose::names::{Guest, GuestName, Name, NameBorrow, Person};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

static LIVE: AtomicU32 = AtomicU32::new(0);
static DROPPED: AtomicU32 = AtomicU32::new(0);

struct MyName {
    parts: RefCell<Vec<String>>,
}

impl MyName {
    fn make(full: &str) -> MyName {
        LIVE.fetch_add(1, Ordering::Relaxed);
        MyName { parts: RefCell::new(full.split(' ').filter(|p| !p.is_empty()).map(String::from).collect()) }
    }
}

impl Drop for MyName {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

impl GuestName for MyName {
    fn new(full: String) -> MyName {
        MyName::make(&full)
    }

    fn full(&self) -> String {
        self.parts.borrow().join(" ")
    }

    fn parts(&self) -> Vec<String> {
        self.parts.borrow().clone()
    }

    fn greeting(&self, greeting: String) -> String {
        format!("{greeting}, {}!", self.full())
    }

    fn rename(&self, full: String) {
        *self.parts.borrow_mut() = MyName::make(&full).parts.take();
    }

    fn join(a: NameBorrow<'_>, b: NameBorrow<'_>) -> Name {
        let a = a.get::<MyName>().parts.borrow();
        let b = b.get::<MyName>().parts.borrow();
        let first = a.first().cloned().unwrap_or_default();
        let last = b.last().cloned().unwrap_or_default();
        Name::new(MyName::make(&format!("{first} {last}")))
    }

    fn upper(n: Name) -> Name {
        let full = n.get::<MyName>().full().to_uppercase();
        Name::new(MyName::make(&full))
    }
}

struct Names;

impl Guest for Names {
    type Name = MyName;

    fn describe(p: Person) -> String {
        format!("{} {} ({}) [{}]", p.first, p.last, p.age, p.tags.join(","))
    }

    fn people(names: Vec<String>) -> Vec<Person> {
        names
            .iter()
            .enumerate()
            .map(|(i, full)| {
                let mut parts = full.splitn(2, ' ');
                Person {
                    first: parts.next().unwrap_or_default().to_string(),
                    last: parts.next().unwrap_or_default().to_string(),
                    age: 20 + i as u8,
                    tags: vec![format!("#{i}")],
                }
            })
            .collect()
    }

    fn oldest(people: Vec<Person>) -> Option<Person> {
        people.into_iter().max_by_key(|p| p.age)
    }

    fn live() -> u32 {
        LIVE.load(Ordering::Relaxed)
    }

    fn dropped() -> u32 {
        DROPPED.load(Ordering::Relaxed)
    }
}

export!(Names);
