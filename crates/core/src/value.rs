//! A minimal JSON value, the raw form of the owner's configuration.
//!
//! Config comes from data attributes, a JSON block or `init()`; any of it may be wrong. Reading it
//! into this loose shape first never fails, so the parser can check each key on its own, name the
//! path of what is wrong, and keep the rest. (`serde_json::Value` would do the same but is kept
//! out of the wasm for size; the shell fills this type by walking JS values with js-sys
//! (`env::value_of`), as serde-wasm-bindgen would for 10 KB more: see ARCHITECTURE.md.)

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Keys in the order they were written.
    Object(Vec<(String, Value)>),
}

impl Value {
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, for messages such as "expected text, found a number".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "text",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

/// A whole number written as 1 to 9 ASCII digits (no sign, no spaces): the times, dates and
/// headers the core reads. One small parser in the wasm instead of `str::parse` for each integer
/// type.
pub fn digits(text: &str) -> Option<u32> {
    ((1..=9).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.bytes().fold(0, |n, b| n * 10 + (b - b'0') as u32))
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
                Ok(Value::Number(n))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::String(s))
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    entries.push((k, v));
                }
                Ok(Value::Object(entries))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
pub(crate) fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("test JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_digits_only() {
        for (text, expected) in [
            ("0", Some(0)),
            ("09", Some(9)),
            ("123456789", Some(123_456_789)),
            ("", None),
            ("+1", None),
            ("-1", None),
            (" 1", None),
            ("1.5", None),
            ("1234567890", None),
            ("١", None),
        ] {
            assert_eq!(digits(text), expected, "{text:?}");
        }
    }

    #[test]
    fn reads_any_json_and_keeps_key_order() {
        let v = json(r#"{"b":1,"a":[true,null,"x",2.5],"c":{"d":-3}}"#);
        let Value::Object(entries) = &v else { panic!() };
        assert_eq!(
            entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["b", "a", "c"]
        );
        assert_eq!(
            v.get("a"),
            Some(&Value::Array(vec![
                Value::Bool(true),
                Value::Null,
                Value::String("x".into()),
                Value::Number(2.5)
            ]))
        );
        assert_eq!(
            v.get("c").and_then(|c| c.get("d")),
            Some(&Value::Number(-3.0))
        );
    }
}
