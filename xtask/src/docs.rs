//! `www/docs/`: the documentation site, HTML generated from the Markdown in `docs/`, and its
//! search index.
//!
//! Tables that restate the core's own tables (channel types, texts) are generated from the core
//! at the `<!-- generated: NAME -->` markers, so the docs cannot drift from the code.

use std::collections::BTreeMap;
use std::path::Path;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use widget_core::channel::{self, Kind};
use widget_core::i18n::{Text, Texts};

use crate::budget::{self, logical_name};
use crate::cmd::step;
use crate::files::{self, read_text, write};
use crate::workspace::Workspace;
use crate::{dist, Result};

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

/// The page every Markdown file is rendered into.
const TEMPLATE: &str = "docs/page.html";

/// Writes `www/docs/` from `docs/*.md` (and `docs/docs.css`), the search index and its script.
pub fn run(ws: &Workspace) -> Result {
    let (source, out) = (ws.root.join("docs"), ws.www().join("docs"));
    step(&format!(
        "generate {} from {}",
        out.display(),
        source.display()
    ));
    files::fresh_dir(&out)?;
    let template = read_text(&ws.root.join(TEMPLATE))?;
    let mut pages = Vec::new();
    for (stem, _) in PAGES {
        let path = source.join(format!("{stem}.md"));
        let page =
            render(stem, &read_text(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        write(
            &out.join(format!("{stem}.html")),
            html_page(&template, &page)?,
        )?;
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
    let built: BTreeMap<String, u64> = files::under(&dist)
        .unwrap_or_default()
        .iter()
        .filter_map(|path| {
            let name = path.strip_prefix(&dist).ok()?.to_str()?;
            let size = path.metadata().ok()?.len();
            Some((logical_name(name.strip_suffix(".br")?), size))
        })
        .collect();
    let kb = |bytes: &u64| format!("{:.1} KB", *bytes as f64 / 1000.0);
    let mut table =
        String::from("| file | what | brotli, this build | budget |\n| --- | --- | --- | --- |\n");
    for (name, what) in SIZED {
        let limit = exact_kb(*budget.brotli.files.get(name)?);
        let size = built.get(name).map_or("—".into(), kb);
        table += &format!("| `{name}` | {what} | {size} | {limit} |\n");
    }
    let languages: Vec<(&String, &u64)> = budget
        .brotli
        .files
        .iter()
        .filter(|(name, _)| name.starts_with("locales/"))
        .collect();
    let limit = exact_kb(*languages.iter().map(|(_, limit)| *limit).max()?);
    let sizes: Vec<&u64> = languages
        .iter()
        .filter_map(|(name, _)| built.get(*name))
        .collect();
    let size = match (sizes.iter().min(), sizes.iter().max()) {
        (Some(min), Some(max)) => format!("{}–{}", kb(min), kb(max)),
        _ => "—".to_owned(),
    };
    let (count, critical) = (languages.len(), exact_kb(budget.critical.limit));
    let total = exact_kb(budget.brotli.total);
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
/// land on it. The page's text is cut at its headings for the search: plain text, code included
/// (keys and commands are searched too).
pub fn render(stem: &str, markdown: &str) -> Result<Page> {
    let markdown = expand(markdown)?;
    let mut events: Vec<Event> = Parser::new_ext(&markdown, Options::ENABLE_TABLES)
        .map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: html_link(dest_url),
                title,
                id,
            }),
            other => other,
        })
        .collect();
    // What comes before the first `##` is the page's own section, under its title.
    let mut title = None;
    let mut sections = vec![Section::default()];
    let mut in_heading = false;
    for i in 0..events.len() {
        let heading = matches!(events[i], Event::Start(Tag::Heading { .. }))
            .then(|| heading_text(&events[i + 1..]));
        let text = &mut sections.last_mut().expect("the page's own").text;
        match (&mut events[i], heading) {
            (Event::Start(Tag::Heading { level, id, .. }), Some(heading)) => {
                in_heading = true;
                let anchor = id.get_or_insert(CowStr::from(slug(&heading))).to_string();
                if *level == HeadingLevel::H1 {
                    title.get_or_insert(heading);
                } else {
                    let anchor = Some(anchor);
                    let text = String::new();
                    sections.push(Section {
                        heading,
                        anchor,
                        text,
                    });
                }
            }
            (Event::End(TagEnd::Heading(_)), _) => in_heading = false,
            (Event::Text(words) | Event::Code(words), _) if !in_heading => text.push_str(words),
            // Inline markup ends inside a sentence: "a [link](x)." stays "a link.".
            (
                Event::End(
                    TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link
                    | TagEnd::Image,
                ),
                _,
            ) => {}
            // Words on either side of a line break or the end of a cell or paragraph stay apart.
            (Event::SoftBreak | Event::HardBreak | Event::End(_), _) if !in_heading => {
                text.push(' ')
            }
            _ => {}
        }
    }
    let title = title
        .filter(|title| !title.is_empty())
        .ok_or("the page has no `# Title`")?;
    for section in &mut sections {
        section.text = section
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    sections[0].heading = title.clone();
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    Ok(Page {
        stem: stem.to_string(),
        title,
        body,
        sections,
    })
}

/// A link to `page.md` or `page.md#anchor` of the docs as `page.html…`.
fn html_link(url: CowStr) -> CowStr {
    match url.split_once(".md") {
        Some((page, rest))
            if !url.contains("://") && (rest.is_empty() || rest.starts_with('#')) =>
        {
            CowStr::from(format!("{page}.html{rest}"))
        }
        _ => url,
    }
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

/// The search index: every section of every page, as JSON for `search.js`.
fn search_index(pages: &[Page]) -> String {
    let entries: Vec<serde_json::Value> =
        pages
            .iter()
            .flat_map(|page| {
                page.sections.iter().map(|section| {
                let anchor = section.anchor.as_ref().map_or(String::new(), |a| format!("#{a}"));
                let href = format!("{}.html{anchor}", page.stem);
                let (page, heading, text) = (&page.title, &section.heading, &section.text);
                serde_json::json!({ "page": page, "heading": heading, "href": href, "text": text })
            })
            })
            .collect();
    serde_json::json!({ "sections": entries }).to_string()
}

/// A page of the site from the template [`TEMPLATE`]. No inline script or style: the pages hold
/// to a strict Content-Security-Policy of their own, only files from this site (the search is a
/// file, search.js, over the index search-index.json, written with the pages).
fn html_page(template: &str, page: &Page) -> Result<String> {
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
    let values = [
        ("__TITLE__", title.as_str()),
        ("__VERSION__", widget_core::VERSION),
        ("__NAV__", &nav),
        // Last: the page's own text is not searched for placeholders.
        ("__BODY__", &page.body),
    ];
    dist::fill(TEMPLATE, template, &values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_links_tables_ids_and_the_sections_of_the_search() {
        let markdown = "# Title `t`\n\nIntro with `code`\nand a [link](options.md#channels), \
            [site](https://a.example/b.md).\n\n## Rate limits\n\nText\nmore.\n\n### Per `site`\n\n\
            <!-- generated: texts -->\n\n```toml\nper_minute = 100\n```\n";
        let page = render("x", markdown).unwrap();
        let body = &page.body;
        assert_eq!(page.title, "Title t");
        for html in [
            "href=\"options.html#channels\"",
            "href=\"https://a.example/b.md\"",
            "<h2 id=\"rate-limits\">",
            "<td><code>label.link</code></td>",
        ] {
            assert!(body.contains(html), "{html}: {body}");
        }
        let got: Vec<(&str, Option<&str>)> = page
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.anchor.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("Title t", None),
                ("Rate limits", Some("rate-limits")),
                ("Per site", Some("per-site")),
            ]
        );
        assert_eq!(page.sections[0].text, "Intro with code and a link, site.");
        assert_eq!(page.sections[1].text, "Text more.");
        let last = &page.sections[2].text;
        assert!(last.starts_with("key default ") && last.ends_with(" per_minute = 100"));
        assert!(render("x", "no title").is_err());
        assert!(render("x", "# T\n<!-- generated: nope -->").is_err());
        let table = generated("channels").unwrap();
        for kind in Kind::ALL {
            assert!(table.contains(&format!("| `{}` |", kind.name())), "{table}");
        }
        assert!(table.contains("`tel:+15550100100`"), "{table}");
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

    /// The index has every section of every page and lands on a heading that exists; settings
    /// are found by the words an owner would type.
    #[test]
    fn the_search_index_finds_every_section_and_lands_on_it() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        let pages: Vec<Page> = PAGES
            .iter()
            .map(|(stem, _)| {
                let markdown = read_text(&docs.join(format!("{stem}.md"))).unwrap();
                render(stem, &markdown).unwrap_or_else(|e| panic!("{stem}.md: {e}"))
            })
            .collect();
        let index: serde_json::Value = serde_json::from_str(&search_index(&pages)).unwrap();
        let sections = index["sections"].as_array().unwrap();
        let headings = |body: &str| ["<h2", "<h3", "<h4"].map(|h| body.matches(h).count());
        let headings: usize = pages.iter().flat_map(|p| headings(&p.body)).sum();
        assert_eq!(
            sections.len(),
            PAGES.len() + headings,
            "the tops and each heading"
        );
        for section in sections {
            let href = section["href"].as_str().unwrap();
            let (stem, anchor) = href.split_once('#').unwrap_or((href, ""));
            let page = pages.iter().find(|p| format!("{}.html", p.stem) == stem);
            let body = &page.unwrap_or_else(|| panic!("{href}: no such page")).body;
            assert!(
                anchor.is_empty() || body.contains(&format!("id=\"{anchor}\"")),
                "{href}: no such heading"
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
                "inbox user add",
                "inbox.html#logging-in-the-owner-and-the-team",
            ),
            ("reply-to,in-reply-to", "inbox.html#replies"),
            (
                "webhook-signature",
                "inbox.html#forwarding-by-webhook-and-e-mail",
            ),
            (
                "postgresql,lease",
                "inbox.html#postgresql-and-several-instances",
            ),
            ("idle,eager", "index.html#loading"),
            ("brotli,budget", "index.html#sizes"),
        ] {
            assert!(find(words).contains(&href), "{words}: {:?}", find(words));
        }
    }

    #[test]
    fn the_sizes_table_names_every_budgeted_file_and_its_budget() {
        let table = generated("sizes").unwrap();
        let budget = budget::parse(include_str!("../../size-budget.json")).unwrap();
        for (name, limit) in &budget.brotli.files {
            let row = match name.starts_with("locales/") {
                true => "`locales/*.json`".to_owned(),
                false => format!("`{name}`"),
            };
            let limit = exact_kb(*limit);
            assert!(
                table.contains(&row) && table.contains(&limit),
                "{name}: {table}"
            );
        }
        let critical = format!("| {} |\n", exact_kb(budget.critical.limit));
        assert!(table.contains(&critical), "{table}");
        assert_eq!(
            [exact_kb(3500), exact_kb(1250), exact_kb(112000)],
            ["3.5 KB", "1.25 KB", "112 KB"]
        );
    }
}
