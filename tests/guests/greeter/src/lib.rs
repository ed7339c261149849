//! `greeter`: imports `names` (a resource, records, lists, strings) and builds on it. Composed with
//! `names` into one component, or linked to a separately loaded `names` in the page.

wit_bindgen::generate!({ world: "greeter-world", path: "../compose-wit" });

use example::compose::names::{self, Name, Person};
use exports::example::compose::greeter::Guest;

struct Greeter;

impl Guest for Greeter {
    fn greet(who: String) -> String {
        Name::new(&who).greeting("Hello")
    }

    fn greet_name(n: &Name) -> String {
        n.greeting("Hi")
    }

    fn greet_all(who: Vec<String>) -> Vec<String> {
        who.iter().map(|w| Name::new(w).greeting("Hey")).collect()
    }

    fn make(full: String) -> Name {
        Name::new(&full)
    }

    fn adopt(n: Name) -> String {
        let parts = n.parts();
        drop(n);
        parts.join("+")
    }

    fn introduce(p: Person) -> String {
        format!("Meet {}", names::describe(&p))
    }

    fn team(who: Vec<String>) -> Vec<Person> {
        let mut people = names::people(&who);
        for p in &mut people {
            p.tags.push("team".to_string());
        }
        people
    }

    fn elder(people: Vec<Person>) -> Option<Person> {
        names::oldest(&people)
    }

    fn pair(a: &Name, b: &Name) -> Name {
        Name::join(a, b)
    }

    fn shout(n: Name) -> Name {
        Name::upper(n)
    }

    fn names_live() -> u32 {
        names::live()
    }

    fn names_dropped() -> u32 {
        names::dropped()
    }
}

export!(Greeter);
