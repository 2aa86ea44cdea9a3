//! `www/docs/`: the documentation site, HTML generated from the Markdown in `docs/`.
//!
//! Tables that restate the core's own tables (channel types, texts) are generated from the core
//! at the `<!-- generated: NAME -->` markers, so the docs cannot drift from the code.

use std::fs;
use std::path::Path;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use widget_core::channel::{self, Kind};
use widget_core::i18n::{Text, Texts};

use crate::cmd::step;
use crate::workspace::Workspace;
use crate::Result;

/// An example value per channel type; the docs show the link the core makes of it.
pub fn example(kind: Kind) -> &'static str {
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
    match name {
        "channels" => {
            let mut table = String::from(
                "| type | value | example | link the widget makes | `message` | default group | default label |\n| --- | --- | --- | --- | --- | --- | --- |\n",
            );
            for kind in Kind::ALL {
                let link = channel::link(kind, example(kind), None, None)
                    .expect("the docs' examples are valid")
                    .map_or("(no link: the ID is shown with Copy)".to_owned(), |l| {
                        format!("`{l}`")
                    });
                let message = if kind.takes_message() { "yes" } else { "no" };
                let label = Texts::default().get(Text::label_of(kind)).to_owned();
                table.push_str(&format!(
                    "| `{}` | {} | `{}` | {} | {message} | `{}` | {} |\n",
                    kind.name(),
                    escape(kind.expects()),
                    example(kind),
                    link,
                    kind.spec().group.name(),
                    escape(&label)
                ));
            }
            Some(table)
        }
        "texts" => {
            let mut table = String::from("| key | default |\n| --- | --- |\n");
            for text in Text::ALL {
                table.push_str(&format!(
                    "| `{}` | {} |\n",
                    text.key(),
                    escape(Texts::default().get(*text))
                ));
            }
            Some(table)
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
    let budget =
        crate::budget::parse(&fs::read_to_string(root.join("size-budget.json")).ok()?).ok()?;
    let built: Vec<(String, u64)> = ["", "locales/"]
        .iter()
        .flat_map(|dir| {
            fs::read_dir(root.join("dist").join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(move |entry| {
                    let name = entry.file_name().into_string().ok()?;
                    let plain = name.strip_suffix(".br")?;
                    Some((
                        format!("{dir}{}", crate::budget::logical_name(plain)),
                        entry.metadata().ok()?.len(),
                    ))
                })
        })
        .collect();
    let measured = |file: &str| {
        built
            .iter()
            .find(|(name, _)| name == file)
            .map(|(_, size)| *size)
    };
    let kb = |bytes: u64| format!("{:.1} KB", bytes as f64 / 1000.0);
    let budget_kb = |bytes: &u64| exact_kb(*bytes);
    let what = |file: &str| match file {
        "contact-widget.js" => {
            "the loader: all a page downloads until a visitor reaches for the widget"
        }
        "contact-widget.mjs" => "the same loader as an ES module, for npm (instead of the above)",
        "widget.js" => {
            "the rest of the loader with the wasm's glue (`widget.HASH.js`), fetched on intent"
        }
        "widget_bg.wasm" => "the panel, in WebAssembly (`widget_bg.HASH.wasm`), fetched on intent",
        _ => "one language file, fetched only by visitors who need it",
    };
    let mut table =
        String::from("| file | what | brotli, this build | budget |\n| --- | --- | --- | --- |\n");
    let (languages, files): (Vec<_>, Vec<_>) = budget
        .files
        .iter()
        .partition(|(name, _)| name.starts_with("locales/"));
    let order = [
        "contact-widget.js",
        "contact-widget.mjs",
        "widget.js",
        "widget_bg.wasm",
    ];
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(order.len()));
    for (name, limit) in files {
        let size = measured(name).map_or("—".to_owned(), kb);
        table.push_str(&format!(
            "| `{name}` | {} | {size} | {} |\n",
            what(name),
            budget_kb(limit)
        ));
    }
    if let Some(limit) = languages.iter().map(|(_, limit)| **limit).max() {
        let sizes: Vec<u64> = languages
            .iter()
            .filter_map(|(name, _)| measured(name))
            .collect();
        let size = match (sizes.iter().min(), sizes.iter().max()) {
            (Some(min), Some(max)) => format!("{}–{}", kb(*min), kb(*max)),
            _ => "—".to_owned(),
        };
        table.push_str(&format!(
            "| `locales/*.json` ({} languages) | {} | {size} | {} each |\n",
            languages.len(),
            what("locales"),
            budget_kb(&limit)
        ));
    }
    table.push_str(&format!(
        "| critical path | what a page downloads and runs before the launcher is visible | | {} |\n| total | what one visitor can download: a loader, the glue, the wasm and every language file | | {} |\n",
        budget_kb(&budget.critical.limit),
        budget_kb(&budget.total)
    ));
    Some(table)
}

/// A budget in KB, exactly: 3500 is "3.5 KB", 1250 "1.25 KB".
fn exact_kb(bytes: u64) -> String {
    let text = format!("{:.3}", bytes as f64 / 1000.0);
    format!("{} KB", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Replaces every generated marker; an unknown name is an error.
fn expand(markdown: &str) -> Result<String> {
    let mut out = String::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("<!-- generated: ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "<!-- generated: ".len()..];
        let end = after
            .find(" -->")
            .ok_or("an unclosed <!-- generated: marker")?;
        let name = &after[..end];
        out.push_str(&generated(name).ok_or_else(|| format!("unknown generated table {name:?}"))?);
        rest = &after[end + " -->".len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One page: its title (the first `#` heading) and its HTML body. Links to `x.md` become `x.html`.
#[cfg(test)]
pub fn render(markdown: &str) -> Result<(String, String)> {
    let (title, body, _) = render_with_sections(markdown)?;
    Ok((title, body))
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

/// A page as `render` makes it, and its sections for the search index.
pub fn render_with_sections(markdown: &str) -> Result<(String, String, Vec<Section>)> {
    let markdown = expand(markdown)?;
    let mut title = String::new();
    let mut in_title = false;
    let events: Vec<Event> = Parser::new_ext(&markdown, Options::ENABLE_TABLES)
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
        .inspect(|event| match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if title.is_empty() => in_title = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => in_title = false,
            Event::Text(text) | Event::Code(text) if in_title => title.push_str(text),
            _ => {}
        })
        .collect();
    let events = with_heading_ids(events);
    if title.is_empty() {
        return Err("the page has no `# Title`".into());
    }
    let sections = sections(&title, &events);
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    Ok((title, body, sections))
}

/// The page's text cut at its headings: what the search matches and shows.
fn sections(title: &str, events: &[Event]) -> Vec<Section> {
    let mut out = vec![Section {
        heading: title.to_owned(),
        anchor: None,
        text: String::new(),
    }];
    let (mut in_title, mut in_heading) = (false, false);
    for event in events {
        let section = out.last_mut().expect("the page's own section");
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_title = true,
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                let anchor = id.as_ref().map(|id| id.to_string());
                out.push(Section {
                    heading: String::new(),
                    anchor,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => (in_title, in_heading) = (false, false),
            Event::Text(text) | Event::Code(text) if in_heading => section.heading.push_str(text),
            Event::Text(text) | Event::Code(text) if !in_title => section.text.push_str(text),
            // Inline markup ends inside a sentence: "a [link](x)." stays "a link.".
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            // Words on either side of a line break or the end of a cell or paragraph stay apart.
            Event::SoftBreak | Event::HardBreak | Event::End(_) => section.text.push(' '),
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
pub fn search_index(pages: &[(&str, String, Vec<Section>)]) -> String {
    let entries: Vec<serde_json::Value> = pages
        .iter()
        .flat_map(|(stem, title, sections)| {
            sections.iter().map(move |section| {
                let href = match &section.anchor {
                    Some(anchor) => format!("{stem}.html#{anchor}"),
                    None => format!("{stem}.html"),
                };
                serde_json::json!({ "page": title, "heading": section.heading, "href": href, "text": section.text })
            })
        })
        .collect();
    serde_json::to_string(&serde_json::json!({ "sections": entries })).expect("JSON of strings")
}

/// Gives every heading an id from its text ("Business hours" is `business-hours`), so links such
/// as `channels.md#business-hours` land on it.
fn with_heading_ids(mut events: Vec<Event>) -> Vec<Event> {
    for i in 0..events.len() {
        if !matches!(&events[i], Event::Start(Tag::Heading { id: None, .. })) {
            continue;
        }
        let mut text = String::new();
        for event in &events[i + 1..] {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(CowStr::from(slug(&text)));
        }
    }
    events
}

fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

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

fn page(stem: &str, title: &str, body: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let nav: String = PAGES
        .iter()
        .map(|(page, text)| {
            let current = if *page == stem {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<li><a href=\"{page}.html\"{current}>{text}</a></li>")
        })
        .collect();
    // No inline script or style: the pages hold to a strict policy of their own (and the search is
    // a file, search.js, over the index search-index.json, written with the pages).
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
        title = escape(title),
        version = widget_core::VERSION,
    )
}

/// The docs pages' own Content-Security-Policy: only files from this site, no inline code.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// Writes `www/docs/` from `docs/*.md` (and `docs/docs.css`), the search index and its script.
pub fn run(ws: &Workspace) -> Result {
    let source = ws.root.join("docs");
    let out = ws.www().join("docs");
    step(&format!(
        "generate {} from {}",
        out.display(),
        source.display()
    ));
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("cannot delete {}: {e}", out.display()))?;
    }
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut indexed = Vec::new();
    for (stem, _) in PAGES {
        let path = source.join(format!("{stem}.md"));
        let markdown = read(&path)?;
        let (title, body, sections) =
            render_with_sections(&markdown).map_err(|e| format!("{}: {e}", path.display()))?;
        write(
            &out.join(format!("{stem}.html")),
            &page(stem, &title, &body),
        )?;
        indexed.push((stem, title, sections));
    }
    write(&out.join("search-index.json"), &search_index(&indexed))?;
    write(&out.join("search.js"), &read(&source.join("search.js"))?)?;
    write(&out.join("docs.css"), &read(&source.join("docs.css"))?)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `page.md#anchor` and `#anchor` link in docs/ names a heading that exists.
    #[test]
    fn every_anchor_link_lands_on_a_heading() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        let pages: Vec<(String, String)> = PAGES
            .iter()
            .map(|(stem, _)| {
                (
                    stem.to_string(),
                    render(&std::fs::read_to_string(root.join(format!("{stem}.md"))).unwrap())
                        .unwrap()
                        .1,
                )
            })
            .collect();
        for (stem, body) in &pages {
            for link in body
                .split("href=\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
            {
                let Some((page, anchor)) = link.split_once('#') else {
                    continue;
                };
                if page.contains("://") || anchor.is_empty() {
                    continue;
                }
                let target = if page.is_empty() {
                    stem.as_str()
                } else {
                    page.trim_end_matches(".html")
                };
                let html = &pages
                    .iter()
                    .find(|(s, _)| s == target)
                    .unwrap_or_else(|| panic!("{stem}: {link} names no page"))
                    .1;
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "{stem}: {link} names no heading"
                );
            }
        }
    }

    #[test]
    fn renders_title_tables_and_md_links() {
        let (title, body) = render("# Hello `x`\n\nSee [options](options.md#channels) and [site](https://a.example/b.md).\n\n<!-- generated: texts -->").unwrap();
        assert_eq!(title, "Hello x");
        assert!(body.contains("href=\"options.html#channels\""), "{body}");
        assert!(body.contains("href=\"https://a.example/b.md\""), "{body}");
        assert!(body.contains("<td><code>label.link</code></td>"), "{body}");
        assert!(render("no title").is_err());
        assert!(render("# T\n<!-- generated: nope -->").is_err());
    }

    #[test]
    fn every_channel_type_has_a_row_with_its_link() {
        let table = generated("channels").unwrap();
        for kind in Kind::ALL {
            assert!(table.contains(&format!("| `{}` |", kind.name())), "{table}");
        }
        assert!(table.contains("`tel:+15550100100`"), "{table}");
        assert!(table.contains("`https://wa.me/15550100100`"), "{table}");
    }

    /// README restates the core's text table for owners reading on GitHub; it must say the same.
    #[test]
    fn the_readme_texts_table_is_the_generated_one() {
        let readme = include_str!("../../README.md");
        let table = generated("texts").unwrap();
        assert!(
            readme.contains(&table),
            "README.md's texts table differs from the core's; replace it with:\n{table}"
        );
    }

    #[test]
    fn sections_are_cut_at_headings_as_plain_text() {
        let (_, _, sections) = render_with_sections(
            "# Title `t`\n\nIntro with `code`\nand a [link](x.md).\n\n## Rate limits\n\nText\nmore.\n\n### Per `site`\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```toml\nper_minute = 100\n```\n",
        )
        .unwrap();
        let got: Vec<(&str, Option<&str>, &str)> = sections
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

    /// The index has every section of every page; each link lands on a page and a heading that
    /// exist; the inbox's settings are found by the words an owner would type.
    #[test]
    fn the_search_index_finds_every_section_and_lands_on_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        let mut bodies = Vec::new();
        let mut indexed = Vec::new();
        for (stem, _) in PAGES {
            let (title, body, sections) =
                render_with_sections(&read(&root.join(format!("{stem}.md"))).unwrap()).unwrap();
            bodies.push((stem, body));
            indexed.push((stem, title, sections));
        }
        let index: serde_json::Value = serde_json::from_str(&search_index(&indexed)).unwrap();
        let sections = index["sections"].as_array().unwrap();
        let headings: usize = bodies
            .iter()
            .map(|(_, body)| {
                body.matches("<h2").count()
                    + body.matches("<h3").count()
                    + body.matches("<h4").count()
            })
            .sum();
        assert_eq!(
            sections.len(),
            PAGES.len() + headings,
            "one entry per page top and per heading"
        );
        for section in sections {
            let href = section["href"].as_str().unwrap();
            let (page, anchor) = href.split_once('#').unwrap_or((href, ""));
            let body = &bodies
                .iter()
                .find(|(stem, _)| format!("{stem}.html") == page)
                .unwrap_or_else(|| panic!("{href}: no such page"))
                .1;
            assert!(
                anchor.is_empty() || body.contains(&format!("id=\"{anchor}\"")),
                "{href}: no such heading"
            );
            assert!(
                !section["text"].as_str().unwrap().contains("<p>"),
                "{href}: the text is plain"
            );
        }
        let find = |words: &[&str]| -> Vec<String> {
            sections
                .iter()
                .filter(|s| {
                    let text = format!("{} {}", s["heading"], s["text"]).to_lowercase();
                    words.iter().all(|w| text.contains(w))
                })
                .map(|s| s["href"].as_str().unwrap().to_owned())
                .collect()
        };
        for (words, href) in [
            (
                &["password", "session"][..],
                "inbox.html#logging-in-the-owner-and-the-team",
            ),
            (
                &["inbox user add"][..],
                "inbox.html#logging-in-the-owner-and-the-team",
            ),
            (&["reply-to", "in-reply-to"][..], "inbox.html#replies"),
            (
                &["one per customer"][..],
                "inbox.html#working-through-messages",
            ),
            (&["allowed", "origin"][..], "inbox.html#allowed-sites"),
            (
                &["rate", "retry-after"][..],
                "inbox.html#rate-limits-and-sizes",
            ),
            (
                &["webhook-signature"][..],
                "inbox.html#forwarding-by-webhook-and-e-mail",
            ),
            (
                &["postgresql", "lease"][..],
                "inbox.html#postgresql-and-several-instances",
            ),
            (&["backup"][..], "inbox.html#backups"),
            (&["possible spam"][..], "inbox.html#possible-spam"),
            (&["paging"][..], "inbox.html#the-api"),
            (&["idle", "eager"][..], "index.html#loading"),
            (&["brotli", "budget"][..], "index.html#sizes"),
        ] {
            assert!(
                find(words).iter().any(|h| h == href),
                "{words:?} does not find {href}: {:?}",
                find(words)
            );
        }
    }

    #[test]
    fn the_sizes_table_names_every_budgeted_file_and_its_budget() {
        let table = generated("sizes").unwrap();
        let budget = crate::budget::parse(include_str!("../../size-budget.json")).unwrap();
        for (name, limit) in &budget.files {
            let row = if name.starts_with("locales/") {
                "`locales/*.json`".to_owned()
            } else {
                format!("`{name}`")
            };
            assert!(table.contains(&row), "{name}: {table}");
            assert!(
                table.contains(&exact_kb(*limit)),
                "{name}'s budget: {table}"
            );
        }
        assert!(table.contains(&format!("| critical path | what a page downloads and runs before the launcher is visible | | {} |", exact_kb(budget.critical.limit))), "{table}");
        assert_eq!(
            (exact_kb(3500), exact_kb(1250), exact_kb(112000)),
            ("3.5 KB".into(), "1.25 KB".into(), "112 KB".into())
        );
    }

    #[test]
    fn every_page_exists_with_a_title() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        for (stem, _) in PAGES {
            let markdown = read(&docs.join(format!("{stem}.md"))).unwrap();
            render(&markdown).unwrap_or_else(|e| panic!("{stem}.md: {e}"));
        }
    }
}
