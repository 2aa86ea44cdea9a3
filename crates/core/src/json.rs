//! JSON text from a [`Value`], and the widget's own types to and from `Value`.
//!
//! The widget writes JSON for two things only: the request body and what it keeps in
//! localStorage. Doing it here, by hand, keeps serde's generic machinery (and the float
//! formatting its error paths drag in) out of the wasm; reading goes through the browser's
//! `JSON.parse`. The native tests check the output against serde_json byte for byte, so the
//! request keeps exactly the contract's shape.

use crate::value::Value;

/// Compact JSON, escaped as serde_json does. Numbers are written as integers: the widget's own
/// JSON holds only ratings, counts and millisecond times (see [`ms`]).
pub fn write(value: &Value) -> String {
    let mut out = String::new();
    write_into(&mut out, value);
    out
}

fn write_into(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&(n.round() as i64).to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_into(out, item);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_into(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A time in whole milliseconds, as stored.
pub fn ms(t: f64) -> f64 {
    t.round()
}

/// Builds an object from `(key, value)` pairs.
pub fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

pub fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

pub fn optional_text(s: &Option<String>) -> Value {
    s.as_deref().map_or(Value::Null, text)
}

/// Reading typed fields back; `None` when a required field is missing or of the wrong kind.
pub trait Fields {
    fn text(&self, key: &str) -> Option<String>;
    fn optional_text(&self, key: &str) -> Option<Option<String>>;
    fn number(&self, key: &str) -> Option<f64>;
}

impl Fields for Value {
    fn text(&self, key: &str) -> Option<String> {
        self.get(key)?.as_str().map(str::to_owned)
    }

    fn optional_text(&self, key: &str) -> Option<Option<String>> {
        match self.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => None,
        }
    }

    fn number(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json;

    #[test]
    fn writes_what_serde_json_writes() {
        let hostile = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} esc \u{1b} del \u{7f} emoji 👋 rtl שלום </script> \u{2028}";
        // Keys in sorted order, as serde_json::Value keeps them.
        let input = format!(
            r#"{{"a":[1,-2,true,false,null],"e":[],"eo":{{}},"o":{{"nested":{{"k":"v"}}}},"s":{}}}"#,
            serde_json::to_string(hostile).unwrap()
        );
        let value = json(&input);
        assert_eq!(
            write(&value),
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&input).unwrap())
                .unwrap()
        );
    }

    #[test]
    fn numbers_are_whole() {
        assert_eq!(write(&Value::Number(1_792_000_000_123.4)), "1792000000123");
        assert_eq!(write(&Value::Number(-3.0)), "-3");
        assert_eq!(ms(10.6), 11.0);
    }
}
