//! The tables the docs restate from the code, generated at the `<!-- generated: NAME -->`
//! markers so the docs cannot drift from it: the channel types and the texts from the core, the
//! version, and the size budget with this build's sizes.

use std::collections::BTreeMap;

use widget_core::channel::{self, Kind};
use widget_core::i18n::{Text, Texts};

use crate::{read_text, root, Result};

/// Replaces every generated marker; an unknown name is an error.
pub fn expand(markdown: &str, built: &BTreeMap<String, u64>) -> Result<String> {
    let (open, close) = ("<!-- generated: ", " -->");
    let mut out = String::new();
    let mut rest = markdown;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len()..];
        let (name, more) = after
            .split_once(close)
            .ok_or("an unclosed <!-- generated: marker")?;
        out +=
            &generated(name, built).ok_or_else(|| format!("unknown generated table {name:?}"))?;
        rest = more;
    }
    Ok(out + rest)
}

/// An example value per channel type; the docs show the link the core makes of it.
fn example(kind: Kind) -> &'static str {
    match kind {
        Kind::Phone | Kind::Sms | Kind::Whatsapp | Kind::Signal | Kind::Viber => {
            "+1 (555) 010-0100"
        }
        Kind::Email => "help@example.com",
        Kind::Teams => "sales@example.com",
        Kind::Telegram
        | Kind::Messenger
        | Kind::X
        | Kind::Instagram
        | Kind::Facebook
        | Kind::Tiktok
        | Kind::Wechat => "examplehq",
        Kind::Youtube | Kind::Line => "@examplehq",
        Kind::Skype => "example.hq",
        Kind::Discord => "AbCd123",
        Kind::Linkedin => "company/examplehq",
        Kind::Map => "1 Main St, Springfield",
        Kind::Link => "https://example.com/help",
        Kind::Custom => "viber://pa?chatURI=examplehq",
    }
}

/// The Markdown that replaces `<!-- generated: NAME -->`.
fn generated(name: &str, built: &BTreeMap<String, u64>) -> Option<String> {
    let escape = |s: &str| s.replace('|', "\\|");
    let texts = Texts::default();
    match name {
        "channels" => {
            let mut table = String::from(
                "| type | value | example | link the widget makes | `message` | default group | \
                 default label |\n| --- | --- | --- | --- | --- | --- | --- |\n",
            );
            for kind in Kind::ALL {
                let link = channel::link(kind, example(kind), None, None)
                    .expect("the docs' examples are valid");
                let link = link.map_or("(no link: the ID is shown with Copy)".into(), |l| {
                    format!("`{l}`")
                });
                let message = if kind.takes_message() { "yes" } else { "no" };
                let (name, expects, group) = (
                    kind.name(),
                    escape(kind.expects()),
                    kind.spec().group.name(),
                );
                let label = escape(texts.get(Text::label_of(kind)));
                let example = example(kind);
                table += &format!(
                    "| `{name}` | {expects} | `{example}` | {link} | {message} | `{group}` | \
                     {label} |\n"
                );
            }
            Some(table)
        }
        "texts" => {
            let rows = Text::ALL
                .iter()
                .map(|&text| format!("| `{}` | {} |\n", text.key(), escape(texts.get(text))));
            Some(format!(
                "| key | default |\n| --- | --- |\n{}",
                rows.collect::<String>()
            ))
        }
        "version" => Some(widget_core::VERSION.to_owned()),
        "sizes" => sizes_table(built),
        _ => None,
    }
}

/// The size budget (`size-budget.json`, what `cargo xtask test` enforces) per file a browser
/// loads, with the brotli size of each file `built` (by the name it is budgeted under).
fn sizes_table(built: &BTreeMap<String, u64>) -> Option<String> {
    let budget = read_text(&root().join("size-budget.json")).ok()?;
    let budget: serde_json::Value = serde_json::from_str(&budget).ok()?;
    let limits = budget["brotli"]["files"].as_object()?;
    let limit = |name: &str| limits.get(name)?.as_u64();
    let kb = |bytes: &u64| format!("{:.1} KB", *bytes as f64 / 1000.0);
    let mut table =
        String::from("| file | what | brotli, this build | budget |\n| --- | --- | --- | --- |\n");
    for (name, what) in SIZED {
        let limit = exact_kb(limit(name)?);
        let size = built.get(name).map_or("—".into(), kb);
        table += &format!("| `{name}` | {what} | {size} | {limit} |\n");
    }
    let languages: Vec<&String> = limits
        .keys()
        .filter(|n| n.starts_with("locales/"))
        .collect();
    let limit = exact_kb(languages.iter().filter_map(|name| limit(name)).max()?);
    let sizes: Vec<&u64> = languages
        .iter()
        .filter_map(|name| built.get(*name))
        .collect();
    let size = match (sizes.iter().min(), sizes.iter().max()) {
        (Some(min), Some(max)) => format!("{}–{}", kb(min), kb(max)),
        _ => "—".to_owned(),
    };
    let count = languages.len();
    let critical = exact_kb(budget["critical"]["brotli"].as_u64()?);
    let total = exact_kb(budget["brotli"]["total"].as_u64()?);
    table += &format!(
        "| `locales/*.json` ({count} languages) | one language file, fetched only by visitors who \
         need it | {size} | {limit} each |\n\
         | critical path | what a page downloads and runs before the launcher is visible | | \
         {critical} |\n\
         | total | what one visitor can download: a loader, the glue, the wasm and every language \
         file | | {total} |\n"
    );
    Some(table)
}

/// The files of the sizes table and what each is.
const SIZED: [(&str, &str); 6] = [
    (
        "contact-widget.js",
        "the loader: all a page downloads until a visitor reaches for the widget",
    ),
    (
        "contact-widget.mjs",
        "the same loader as an ES module, for npm (instead of the above)",
    ),
    (
        "widget.js",
        "the rest of the loader with the wasm's glue (`widget.HASH.js`), fetched on intent",
    ),
    (
        "widget_bg.wasm",
        "the panel, in WebAssembly (`widget_bg.HASH.wasm`), fetched on intent",
    ),
    (
        "validate.js",
        "the configurator's validator (`validate.HASH.js`), never loaded by a visitor",
    ),
    (
        "validate_bg.wasm",
        "its wasm, with the config's messages for owners (`validate_bg.HASH.wasm`)",
    ),
];

/// A budget in KB, exactly: 3500 is "3.5 KB", 1250 "1.25 KB".
fn exact_kb(bytes: u64) -> String {
    let text = format!("{:.3}", bytes as f64 / 1000.0);
    format!("{} KB", text.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channels_table_has_every_type_and_the_link_the_core_makes() {
        let table = generated("channels", &BTreeMap::new()).unwrap();
        for kind in Kind::ALL {
            assert!(table.contains(&format!("| `{}` |", kind.name())), "{table}");
        }
        assert!(table.contains("`tel:+15550100100`"), "{table}");
    }

    /// README restates the core's text table for owners reading on GitHub; it must say the same.
    #[test]
    fn the_readme_texts_table_is_the_generated_one() {
        let table = generated("texts", &BTreeMap::new()).unwrap();
        assert!(
            include_str!("../../../README.md").contains(&table),
            "README.md's texts table differs from the core's; replace it with:\n{table}"
        );
    }

    #[test]
    fn the_sizes_table_names_every_budgeted_file_and_its_budget() {
        let table = generated("sizes", &BTreeMap::new()).unwrap();
        let budget = read_text(&root().join("size-budget.json")).unwrap();
        let budget: serde_json::Value = serde_json::from_str(&budget).unwrap();
        for (name, limit) in budget["brotli"]["files"].as_object().unwrap() {
            let row = match name.starts_with("locales/") {
                true => "`locales/*.json`".to_owned(),
                false => format!("`{name}`"),
            };
            let limit = exact_kb(limit.as_u64().unwrap());
            assert!(
                table.contains(&row) && table.contains(&limit),
                "{name}: {table}"
            );
        }
        let critical = exact_kb(budget["critical"]["brotli"].as_u64().unwrap());
        let critical = format!("| {critical} |\n");
        assert!(table.contains(&critical), "{table}");
        assert_eq!(
            [exact_kb(3500), exact_kb(1250), exact_kb(112000)],
            ["3.5 KB", "1.25 KB", "112 KB"]
        );
    }
}
