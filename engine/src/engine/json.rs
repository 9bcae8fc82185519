//! JSON text straight into template values and back, without an intermediate
//! `serde_json::Value` (contexts and step inputs cross the JavaScript boundary as JSON text, and
//! building ordered maps twice was most of the cost of a render).

use std::cell::RefCell;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::value::{Entries, Fnv, Value};

/// How deep JSON text may nest: serde_json's reader (recursive) refuses deeper text, which
/// keeps every value read from JSON, and every walk over it, within the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// Parses JSON text into a template value (objects in JavaScript property order).
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Parsed>(text).map(|p| p.0)
}

/// Whether JSON text was refused for nesting deeper than [`MAX_JSON_DEPTH`].
pub fn is_too_deep(error: &serde_json::Error) -> bool {
    error.to_string().starts_with("recursion limit exceeded")
}

/// Why `what` (such as "the context") could not be read from JSON text.
pub fn read_error(what: &str, error: &serde_json::Error) -> String {
    if is_too_deep(error) {
        format!(
            "{what} nests deeper than {MAX_JSON_DEPTH} levels (at line {}, column {} of its JSON text)",
            error.line(),
            error.column()
        )
    } else {
        format!("{what} is not valid JSON: {error}")
    }
}

struct Parsed(Value);

impl<'de> Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Parsed, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Parsed)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::str(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Parsed(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // Entries wait on a shared stack until the record is complete, so each record's map is
        // allocated once at its final size instead of growing (and rehashing) entry by entry:
        // preparing contexts was dominated by that growth.
        let start = PENDING.with(|pending| pending.borrow().len());
        let mut read = || -> Result<(), A::Error> {
            while let Some((Key(key), Parsed(item))) = map.next_entry()? {
                PENDING.with(|pending| pending.borrow_mut().push((key, item)));
            }
            Ok(())
        };
        let outcome = read();
        // Collecting inserts in order: JSON.parse keeps the last of duplicate keys, at the first
        // one's place, and so does `IndexMap::insert`.
        let entries: Entries = PENDING.with(|pending| {
            let mut pending = pending.borrow_mut();
            let entries = pending.drain(start..).collect();
            if start == 0 && pending.capacity() > PENDING_KEPT {
                pending.shrink_to(PENDING_KEPT);
            }
            entries
        });
        outcome?;
        Ok(Value::object(entries))
    }
}

thread_local! {
    /// Entries of the records being read, innermost last (see `visit_map`).
    static PENDING: RefCell<Vec<(Rc<str>, Value)>> = const { RefCell::new(Vec::new()) };
}

/// Capacity the pending stack keeps between parses (a huge context should not pin its memory).
const PENDING_KEPT: usize = 4096;

/// A record key, made straight into the shared string keys use (no intermediate `String` when
/// the text has no escapes).
struct Key(Rc<str>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(Key(Rc::from(v)))
    }
}

/// A step input as parsed from JSON: strings are what gets rendered; other scalars pass
/// through as their JSON text.
pub enum Input {
    Str(String),
    Scalar(String),
    Array(Vec<Input>),
    Object(Vec<(String, Input)>),
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Input, D::Error> {
        deserializer.deserialize_any(InputVisitor)
    }
}

struct InputVisitor;

impl<'de> Visitor<'de> for InputVisitor {
    type Value = Input;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Input, E> {
        Ok(Input::Scalar("null".into()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Input, E> {
        Ok(Input::Scalar(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Input, E> {
        Ok(Input::Scalar(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Input, E> {
        Ok(Input::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Input, E> {
        Ok(Input::Scalar(super::value::number_to_string(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Input, E> {
        Ok(Input::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Input, E> {
        Ok(Input::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Input, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Input::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Input, A::Error> {
        // Hashed, not searched: a duplicate key keeps the last value at the first place (as
        // `JSON.parse`), and an input with tens of thousands of keys stays linear.
        let mut entries: IndexMap<String, Input, BuildHasherDefault<Fnv>> = IndexMap::default();
        while let Some((key, item)) = map.next_entry::<String, Input>()? {
            entries.insert(key, item);
        }
        Ok(Input::Object(entries.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_into_template_values_in_javascript_key_order() {
        let value = super::parse(r#"{"b": 1, "2": [true, null, 1.5], "a": {"x": "y"}}"#).unwrap();
        let mut out = String::new();
        assert!(super::super::filters::write_json(&value, "", 0, &mut out));
        assert_eq!(out, r#"{"2":[true,null,1.5],"b":1,"a":{"x":"y"}}"#);
    }

    #[test]
    fn step_inputs_keep_the_last_duplicate_at_the_first_place() {
        let Ok(super::Input::Object(entries)) = serde_json::from_str::<super::Input>(r#"{"a": "1", "b": 2, "a": "3"}"#)
        else {
            panic!("an object")
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        assert!(matches!(&entries[0].1, super::Input::Str(v) if v == "3"));
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_at_the_first_place_and_nesting_stays_apart() {
        let value = super::parse(r#"{"a": 1, "b": {"a": [{"z": 0}], "c": 2}, "a": 3, "k\u00e9": {}}"#).unwrap();
        let mut out = String::new();
        assert!(super::super::filters::write_json(&value, "", 0, &mut out));
        assert_eq!(out, r#"{"a":3,"b":{"a":[{"z":0}],"c":2},"ké":{}}"#);
        // A parse that fails part-way leaves nothing pending for the next one.
        assert!(super::parse(r#"{"a": {"b": 1, "c": }}"#).is_err());
        let value = super::parse(r#"{"x": 1}"#).unwrap();
        let mut out = String::new();
        assert!(super::super::filters::write_json(&value, "", 0, &mut out));
        assert_eq!(out, r#"{"x":1}"#);
    }
}
