//! The docs site, `www/docs/`: HTML pages from the Markdown in `docs/` (pulldown-cmark) in the
//! template `docs/page.html`, their search index, and the tables that restate the code
//! (`tables.rs`). Run by `cargo xtask docs` and, last, `cargo xtask dist`:
//!
//! `docs-site [NAME=BYTES]…`: the brotli size of each file of this build of `dist/` under the
//! name it is budgeted by, for the sizes table (a `—` where none is given).
//!
//! A program of its own, not a task of xtask: a static-site generator with its own inputs and
//! output, which the task runner runs as it runs esbuild.

mod tables;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Errors are messages for the person at the terminal.
type Result<T = (), E = String> = std::result::Result<T, E>;

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

fn main() -> ExitCode {
    let built = std::env::args().skip(1).map(|arg| {
        let (name, bytes) = arg.split_once('=').ok_or("arguments are NAME=BYTES")?;
        let bytes = bytes
            .parse()
            .map_err(|_| format!("{arg}: not a number of bytes"))?;
        Ok((name.to_owned(), bytes))
    });
    match built.collect::<Result<_>>().and_then(|built| run(&built)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("docs-site: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root.
fn root() -> PathBuf {
    let site = Path::new(env!("CARGO_MANIFEST_DIR"));
    site.ancestors()
        .nth(2)
        .expect("docs/site is two levels down")
        .into()
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes `www/docs/` from `docs/*.md` (and `docs/docs.css`), the search index and its script.
fn run(built: &BTreeMap<String, u64>) -> Result {
    let (source, out) = (root().join("docs"), root().join("www/docs"));
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("cannot delete {}: {e}", out.display()))?;
    }
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let template = read_text(&root().join(TEMPLATE))?;
    let mut pages = Vec::new();
    for (stem, _) in PAGES {
        let path = source.join(format!("{stem}.md"));
        let page = render(stem, &read_text(&path)?, built)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        write(&format!("{stem}.html"), &html_page(&template, &page)?)?;
        pages.push(page);
    }
    write("search-index.json", &search_index(&pages))?;
    for file in ["search.js", "docs.css"] {
        write(file, &read_text(&source.join(file))?)?;
    }
    println!("wrote {}", out.display());
    Ok(())
}

/// A page: its title (the first `#` heading), its HTML body, and its sections for the search.
struct Page {
    stem: String,
    title: String,
    body: String,
    sections: Vec<Section>,
}

/// A part of a page for the search: under one heading, up to the next heading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Section {
    /// The heading's text (the page's title for what comes before its first `##`).
    heading: String,
    /// The heading's id, for a link to it; `None` for the top of the page.
    anchor: Option<String>,
    /// The section's words, as plain text (code included: keys and commands are searched too).
    text: String,
}

/// Renders `docs/STEM.md`. Links to `x.md` become `x.html`; every heading gets an id from its
/// text ("Business hours" is `business-hours`), so links such as `channels.md#business-hours`
/// land on it. The page's text is cut at its headings for the search: plain text, code included
/// (keys and commands are searched too).
fn render(stem: &str, markdown: &str, built: &BTreeMap<String, u64>) -> Result<Page> {
    let markdown = tables::expand(markdown, built)?;
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
    let mut html = template.to_owned();
    for (placeholder, value) in values {
        if !html.contains(placeholder) {
            return Err(format!("{TEMPLATE} has no {placeholder}"));
        }
        html = html.replace(placeholder, value);
    }
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_links_tables_ids_and_the_sections_of_the_search() {
        let markdown = "# Title `t`\n\nIntro with `code`\nand a [link](options.md#channels), \
            [site](https://a.example/b.md).\n\n## Rate limits\n\nText\nmore.\n\n### Per `site`\n\n\
            <!-- generated: texts -->\n\n```toml\nper_minute = 100\n```\n";
        let page = render("x", markdown, &BTreeMap::new()).unwrap();
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
        assert!(render("x", "no title", &BTreeMap::new()).is_err());
        assert!(render("x", "# T\n<!-- generated: nope -->", &BTreeMap::new()).is_err());
    }

    /// The index has every section of every page and lands on a heading that exists; settings
    /// are found by the words an owner would type.
    #[test]
    fn the_search_index_finds_every_section_and_lands_on_it() {
        let docs = root().join("docs");
        let pages: Vec<Page> = PAGES
            .iter()
            .map(|(stem, _)| {
                let markdown = read_text(&docs.join(format!("{stem}.md"))).unwrap();
                render(stem, &markdown, &BTreeMap::new())
                    .unwrap_or_else(|e| panic!("{stem}.md: {e}"))
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
}
