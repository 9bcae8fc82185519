//! JSON text straight into template values and back, without an intermediate
//! `serde_json::Value` (contexts and step inputs cross the JavaScript boundary as JSON text, and
//! building ordered maps twice was most of the cost of a render).

use std::fmt;
use std::rc::Rc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::value::{Entries, Value};

/// Parses JSON text into a template value (objects in JavaScript property order).
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Parsed>(text).map(|p| p.0)
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
        let mut entries = Entries::default();
        while let Some((key, Parsed(item))) = map.next_entry::<String, Parsed>()? {
            // JSON.parse keeps the last of duplicate keys, at the first one's place.
            entries.insert(Rc::from(key.as_str()), item);
        }
        Ok(Value::object(entries))
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
        let mut entries: Vec<(String, Input)> = Vec::new();
        while let Some((key, item)) = map.next_entry::<String, Input>()? {
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = item,
                None => entries.push((key, item)),
            }
        }
        Ok(Input::Object(entries))
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
}
