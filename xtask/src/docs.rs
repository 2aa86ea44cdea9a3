//! `www/docs/`: the documentation site, HTML generated from the Markdown in `docs/`, and its
//! search index.
//!
//! Tables that restate the core's own tables (channel types, texts) are generated from the core
//! at the `<!-- generated: NAME -->` markers, so the docs cannot drift from the code.

use std::path::Path;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use widget_core::channel::{self, Kind};
use widget_core::i18n::{Text, Texts};

use crate::budget::{self, logical_name};
use crate::cmd::step;
use crate::files::{self, read_text, write};
use crate::workspace::Workspace;
use crate::Result;

/// The pages, in the order of the navigation: (file stem, link text).
pub const PAGES: [(&str, &str); 11] = [
    ("index", "Quick start"),
    ("options", "Options"),
    ("channels", "Channels"),
    ("endpoint", "Your own endpoint"),
    ("inbox", "The inbox"),
    ("recipes", "Recipes"),
    ("javascript", "JavaScript and npm"),
    ("csp", "Content-Security-Policy"),
    ("accessibility", "Accessibility"),
    ("privacy", "Privacy"),
    ("changelog", "Changelog"),
];

/// The docs pages' own Content-Security-Policy: only files from this site, no inline code.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// Writes `www/docs/` from `docs/*.md` (and `docs/docs.css`), the search index and its script.
pub fn run(ws: &Workspace) -> Result {
    let (source, out) = (ws.root.join("docs"), ws.www().join("docs"));
    step(&format!(
        "generate {} from {}",
        out.display(),
        source.display()
    ));
    files::fresh_dir(&out)?;
    let mut pages = Vec::new();
    for (stem, _) in PAGES {
        let path = source.join(format!("{stem}.md"));
        let page =
            render(stem, &read_text(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        write(&out.join(format!("{stem}.html")), html_page(&page))?;
        pages.push(page);
    }
    write(&out.join("search-index.json"), search_index(&pages))?;
    for file in ["search.js", "docs.css"] {
        write(&out.join(file), read_text(&source.join(file))?)?;
    }
    Ok(())
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
fn generated(name: &str) -> Option<String> {
    let escape = |s: &str| s.replace('|', "\\|");
    let texts = Texts::default();
    match name {
        "channels" => {
            let mut table = String::from("| type | value | example | link the widget makes | `message` | default group | default label |\n| --- | --- | --- | --- | --- | --- | --- |\n");
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
                table += &format!("| `{name}` | {expects} | `{example}` | {link} | {message} | `{group}` | {label} |\n");
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
        "sizes" => sizes_table(),
        _ => None,
    }
}

/// The size budget (`size-budget.json`, what `cargo xtask test` enforces) per file a browser
/// loads, with the brotli size of the files in `dist/` when they have been built (the `.br`
/// copies `cargo xtask dist` writes before it generates the docs).
fn sizes_table() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let budget = budget::parse(&read_text(&root.join("size-budget.json")).ok()?).ok()?;
    let dist = root.join("dist");
    let built: Vec<(String, u64)> = files::under(&dist)
        .unwrap_or_default()
        .iter()
        .filter_map(|path| {
            let name = path
                .strip_prefix(&dist)
                .ok()?
                .to_str()?
                .strip_suffix(".br")?;
            Some((logical_name(name), path.metadata().ok()?.len()))
        })
        .collect();
    let measured = |file: &str| {
        built
            .iter()
            .find(|(name, _)| name == file)
            .map(|(_, size)| *size)
    };
    let kb = |bytes: u64| format!("{:.1} KB", bytes as f64 / 1000.0);
    let rows = [
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
    let mut table =
        String::from("| file | what | brotli, this build | budget |\n| --- | --- | --- | --- |\n");
    for (name, what) in rows {
        let limit = exact_kb(*budget.brotli.files.get(name)?);
        let size = measured(name).map_or("—".into(), kb);
        table += &format!("| `{name}` | {what} | {size} | {limit} |\n");
    }
    let languages: Vec<(&String, &u64)> = budget
        .brotli
        .files
        .iter()
        .filter(|(name, _)| name.starts_with("locales/"))
        .collect();
    let limit = languages.iter().map(|(_, limit)| **limit).max()?;
    let sizes: Vec<u64> = languages
        .iter()
        .filter_map(|(name, _)| measured(name))
        .collect();
    let size = match (sizes.iter().min(), sizes.iter().max()) {
        (Some(min), Some(max)) => format!("{}–{}", kb(*min), kb(*max)),
        _ => "—".to_owned(),
    };
    table += &format!(
        "| `locales/*.json` ({} languages) | one language file, fetched only by visitors who need it | {size} | {} each |\n\
         | critical path | what a page downloads and runs before the launcher is visible | | {} |\n\
         | total | what one visitor can download: a loader, the glue, the wasm and every language file | | {} |\n",
        languages.len(),
        exact_kb(limit),
        exact_kb(budget.critical.limit),
        exact_kb(budget.brotli.total)
    );
    Some(table)
}

/// A budget in KB, exactly: 3500 is "3.5 KB", 1250 "1.25 KB".
fn exact_kb(bytes: u64) -> String {
    let text = format!("{:.3}", bytes as f64 / 1000.0);
    format!("{} KB", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Replaces every generated marker; an unknown name is an error.
fn expand(markdown: &str) -> Result<String> {
    let (open, close) = ("<!-- generated: ", " -->");
    let mut out = String::new();
    let mut rest = markdown;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len()..];
        let (name, more) = after
            .split_once(close)
            .ok_or("an unclosed <!-- generated: marker")?;
        out += &generated(name).ok_or_else(|| format!("unknown generated table {name:?}"))?;
        rest = more;
    }
    Ok(out + rest)
}

/// A page: its title (the first `#` heading), its HTML body, and its sections for the search.
pub struct Page {
    stem: String,
    title: String,
    body: String,
    sections: Vec<Section>,
}

/// A part of a page for the search: under one heading, up to the next heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's text (the page's title for what comes before its first `##`).
    pub heading: String,
    /// The heading's id, for a link to it; `None` for the top of the page.
    pub anchor: Option<String>,
    /// The section's words, as plain text (code included: keys and commands are searched too).
    pub text: String,
}

/// Renders `docs/STEM.md`. Links to `x.md` become `x.html`; every heading gets an id from its
/// text ("Business hours" is `business-hours`), so links such as `channels.md#business-hours`
/// land on it.
pub fn render(stem: &str, markdown: &str) -> Result<Page> {
    let markdown = expand(markdown)?;
    let mut events: Vec<Event> = Parser::new_ext(&markdown, Options::ENABLE_TABLES)
        .map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match dest_url.split_once(".md") {
                    Some((page, rest))
                        if !dest_url.contains("://")
                            && (rest.is_empty() || rest.starts_with('#')) =>
                    {
                        CowStr::from(format!("{page}.html{rest}"))
                    }
                    _ => dest_url,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect();
    for i in 0..events.len() {
        if let Event::Start(Tag::Heading { .. }) = events[i] {
            let text = heading_text(&events[i + 1..]);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                id.get_or_insert(CowStr::from(slug(&text)));
            }
        }
    }
    let title = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                })
            )
        })
        .map(|i| heading_text(&events[i + 1..]))
        .filter(|title| !title.is_empty())
        .ok_or("the page has no `# Title`")?;
    let sections = sections(&title, &events);
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    Ok(Page {
        stem: stem.to_string(),
        title,
        body,
        sections,
    })
}

/// The text of the heading whose events follow.
fn heading_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// The page's text cut at its headings: what the search matches and shows.
fn sections(title: &str, events: &[Event]) -> Vec<Section> {
    let section = |heading: &str, anchor: Option<String>| Section {
        heading: heading.into(),
        anchor,
        text: String::new(),
    };
    let mut out = vec![section(title, None)];
    let (mut in_title, mut in_heading) = (false, false);
    for event in events {
        let last = out.last_mut().expect("the page's own section");
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_title = true,
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                out.push(section("", id.as_ref().map(|id| id.to_string())));
            }
            Event::End(TagEnd::Heading(_)) => (in_title, in_heading) = (false, false),
            Event::Text(text) | Event::Code(text) if in_heading => last.heading.push_str(text),
            Event::Text(text) | Event::Code(text) if !in_title => last.text.push_str(text),
            // Inline markup ends inside a sentence: "a [link](x)." stays "a link.".
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            // Words on either side of a line break or the end of a cell or paragraph stay apart.
            Event::SoftBreak | Event::HardBreak | Event::End(_) => last.text.push(' '),
            _ => {}
        }
    }
    for section in &mut out {
        section.text = section
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    out
}

/// The search index: every section of every page, as JSON for `search.js`.
fn search_index(pages: &[Page]) -> String {
    let entries: Vec<serde_json::Value> = pages
        .iter()
        .flat_map(|page| {
            page.sections.iter().map(|section| {
                let anchor = section.anchor.as_ref().map_or(String::new(), |a| format!("#{a}"));
                let href = format!("{}.html{anchor}", page.stem);
                serde_json::json!({ "page": page.title, "heading": section.heading, "href": href, "text": section.text })
            })
        })
        .collect();
    serde_json::json!({ "sections": entries }).to_string()
}

/// A page of the site. No inline script or style: the pages hold to a strict policy of their own
/// (the search is a file, search.js, over the index search-index.json, written with the pages).
fn html_page(page: &Page) -> String {
    let title = page
        .title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let nav: String = PAGES
        .iter()
        .map(|(stem, text)| {
            let current = if *stem == page.stem {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<li><a href=\"{stem}.html\"{current}>{text}</a></li>")
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <title>{title} · Contact widget docs</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"docs.css\">\n\
         <script type=\"module\" src=\"search.js\"></script>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#content\">Skip to content</a>\n<header><a href=\"/\">Contact widget</a> · <a href=\"/configurator.html\">Configurator</a> · docs for version {version}</header>\n\
         <nav aria-label=\"Documentation\"><ul>{nav}</ul></nav>\n\
         <div class=\"search\" role=\"search\">\n<label for=\"search\">Search the docs</label>\n\
         <input type=\"search\" id=\"search\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"search-status\" aria-controls=\"search-results\">\n\
         <p id=\"search-status\" role=\"status\"></p>\n<ul id=\"search-results\" aria-label=\"Search results\" hidden></ul>\n</div>\n\
         <main id=\"content\">\n{body}</main>\n</body>\n</html>\n",
        body = page.body,
        version = widget_core::VERSION,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_page() -> Vec<Page> {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        let markdown = |stem: &str| read_text(&docs.join(format!("{stem}.md"))).unwrap();
        PAGES
            .iter()
            .map(|(stem, _)| {
                render(stem, &markdown(stem)).unwrap_or_else(|e| panic!("{stem}.md: {e}"))
            })
            .collect()
    }

    #[test]
    fn renders_title_tables_and_md_links() {
        let page = render("x", "# Hello `x`\n\nSee [options](options.md#channels) and [site](https://a.example/b.md).\n\n<!-- generated: texts -->").unwrap();
        assert_eq!(page.title, "Hello x");
        assert!(
            page.body.contains("href=\"options.html#channels\""),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("href=\"https://a.example/b.md\""),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("<td><code>label.link</code></td>"),
            "{}",
            page.body
        );
        assert!(render("x", "no title").is_err());
        assert!(render("x", "# T\n<!-- generated: nope -->").is_err());
        let table = generated("channels").unwrap();
        for kind in Kind::ALL {
            assert!(table.contains(&format!("| `{}` |", kind.name())), "{table}");
        }
        assert!(
            table.contains("`tel:+15550100100`") && table.contains("`https://wa.me/15550100100`"),
            "{table}"
        );
    }

    /// README restates the core's text table for owners reading on GitHub; it must say the same.
    #[test]
    fn the_readme_texts_table_is_the_generated_one() {
        let table = generated("texts").unwrap();
        assert!(
            include_str!("../../README.md").contains(&table),
            "README.md's texts table differs from the core's; replace it with:\n{table}"
        );
    }

    #[test]
    fn sections_are_cut_at_headings_as_plain_text() {
        let page = render("x", "# Title `t`\n\nIntro with `code`\nand a [link](x.md).\n\n## Rate limits\n\nText\nmore.\n\n### Per `site`\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```toml\nper_minute = 100\n```\n").unwrap();
        let got: Vec<(&str, Option<&str>, &str)> = page
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.anchor.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Title t", None, "Intro with code and a link."),
                ("Rate limits", Some("rate-limits"), "Text more."),
                ("Per site", Some("per-site"), "a b 1 2 per_minute = 100"),
            ]
        );
    }

    /// The index has every section of every page and lands on a heading that exists; the inbox's
    /// settings are found by the words an owner would type.
    #[test]
    fn the_search_index_finds_every_section_and_lands_on_it() {
        let pages = every_page();
        let index: serde_json::Value = serde_json::from_str(&search_index(&pages)).unwrap();
        let sections = index["sections"].as_array().unwrap();
        let headings: usize = pages
            .iter()
            .map(|p| {
                ["<h2", "<h3", "<h4"]
                    .map(|h| p.body.matches(h).count())
                    .iter()
                    .sum::<usize>()
            })
            .sum();
        assert_eq!(
            sections.len(),
            PAGES.len() + headings,
            "one entry per page top and per heading"
        );
        for section in sections {
            let href = section["href"].as_str().unwrap();
            let (stem, anchor) = href
                .trim_end_matches(".html")
                .split_once(".html#")
                .unwrap_or((href.trim_end_matches(".html"), ""));
            let page = pages
                .iter()
                .find(|p| p.stem == stem)
                .unwrap_or_else(|| panic!("{href}: no such page"));
            assert!(
                anchor.is_empty() || page.body.contains(&format!("id=\"{anchor}\"")),
                "{href}: no such heading"
            );
            assert!(
                !section["text"].as_str().unwrap().contains("<p>"),
                "{href}: the text is plain"
            );
        }
        let find = |words: &str| -> Vec<&str> {
            let found = sections.iter().filter(|s| {
                let text = format!("{} {}", s["heading"], s["text"]).to_lowercase();
                words.split(',').all(|w| text.contains(w))
            });
            found.map(|s| s["href"].as_str().unwrap()).collect()
        };
        for (words, href) in [
            (
                "password,session",
                "inbox.html#logging-in-the-owner-and-the-team",
            ),
            (
                "inbox user add",
                "inbox.html#logging-in-the-owner-and-the-team",
            ),
            ("reply-to,in-reply-to", "inbox.html#replies"),
            ("one per customer", "inbox.html#working-through-messages"),
            ("allowed,origin", "inbox.html#allowed-sites"),
            ("rate,retry-after", "inbox.html#rate-limits-and-sizes"),
            (
                "webhook-signature",
                "inbox.html#forwarding-by-webhook-and-e-mail",
            ),
            (
                "postgresql,lease",
                "inbox.html#postgresql-and-several-instances",
            ),
            ("backup", "inbox.html#backups"),
            ("possible spam", "inbox.html#possible-spam"),
            ("paging", "inbox.html#the-api"),
            ("idle,eager", "index.html#loading"),
            ("brotli,budget", "index.html#sizes"),
        ] {
            assert!(
                find(words).contains(&href),
                "{words} does not find {href}: {:?}",
                find(words)
            );
        }
    }

    #[test]
    fn the_sizes_table_names_every_budgeted_file_and_its_budget() {
        let table = generated("sizes").unwrap();
        let budget = budget::parse(include_str!("../../size-budget.json")).unwrap();
        for (name, limit) in &budget.brotli.files {
            let row = if name.starts_with("locales/") {
                "`locales/*.json`".to_owned()
            } else {
                format!("`{name}`")
            };
            assert!(
                table.contains(&row) && table.contains(&exact_kb(*limit)),
                "{name}: {table}"
            );
        }
        let critical = exact_kb(budget.critical.limit);
        assert!(table.contains(&format!("| critical path | what a page downloads and runs before the launcher is visible | | {critical} |")), "{table}");
        assert_eq!(
            [exact_kb(3500), exact_kb(1250), exact_kb(112000)],
            ["3.5 KB", "1.25 KB", "112 KB"]
        );
    }
}
