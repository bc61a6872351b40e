//! `standpoint classify --format html` end to end on the real models: the page carries exactly
//! the numbers of the JSON output (stance probabilities of every chip, every summary cell),
//! holds no network reference, escapes text that looks like markup, and renders in headless
//! Chromium at desktop and phone widths with its chips, grid and colours.

mod browser;
mod common;

use browser::{attr, kept_dir};

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_standpoint"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn classify(path: &Path, format: &str, profile: &str) -> Vec<u8> {
    let o = bin()
        .args(["classify", "--format", format, "--profile", profile])
        .arg(path)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// Every chip of the page as (sentence, actor, holder, stance, p_favor, p_against, p_neutral).
type Chip = (usize, String, String, String, String, String, String);

fn chips(html: &str) -> Vec<Chip> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("<span class=\"sentence") {
        let tag = &html[i..];
        let sentence: usize = attr(tag, "data-index").unwrap().parse().unwrap();
        let body_end = tag[1..]
            .find("<span class=\"sentence")
            .map_or(tag.len(), |e| e + 1);
        let body = &tag[..body_end];
        for (m, _) in body.match_indices("<span class=\"m\"") {
            let mention = &body[m..];
            let actor = attr(mention, "data-actor").unwrap();
            let group = &mention[..mention.find("<span class=\"probs\"").unwrap()];
            for (c, _) in group.match_indices("<span class=\"chip ") {
                let chip = &group[c..];
                let a = |n: &str| attr(chip, n).unwrap();
                out.push((
                    sentence,
                    actor.clone(),
                    a("data-holder"),
                    a("data-stance"),
                    a("data-p-favor"),
                    a("data-p-against"),
                    a("data-p-neutral"),
                ));
            }
        }
    }
    out.sort();
    out
}

/// The JSON's actor rows in the same shape; numbers printed as the page prints them (the
/// shortest text that reads back to the same f32).
fn json_chips(doc: &serde_json::Value) -> Vec<Chip> {
    let mut out = Vec::new();
    for s in doc["sentences"].as_array().unwrap() {
        for a in s["actors"].as_array().unwrap() {
            let p = |l: &str| (a["stance"]["scores"][l].as_f64().unwrap() as f32).to_string();
            out.push((
                s["index"].as_u64().unwrap() as usize,
                a["actor"].as_str().unwrap().to_string(),
                a["holder"].as_str().unwrap().to_string(),
                a["stance"]["label"].as_str().unwrap().to_string(),
                p("favor"),
                p("against"),
                p("neutral"),
            ));
        }
    }
    out.sort();
    out
}

/// Summary cells as (holder, actor) -> (stance, count, confidence, evidence).
type Cells = BTreeMap<(String, String), (String, String, String, String)>;

fn cells(html: &str) -> Cells {
    let grid = &html[html.find("id=\"summary-grid\"").expect("summary grid")..];
    grid.match_indices("<td class=\"cell ")
        .map(|(i, _)| {
            let t = &grid[i..];
            let a = |n: &str| attr(t, n).unwrap();
            (
                (a("data-holder"), a("data-actor")),
                (
                    a("data-stance"),
                    a("data-count"),
                    a("data-confidence"),
                    a("data-evidence"),
                ),
            )
        })
        .collect()
}

fn json_cells(doc: &serde_json::Value) -> Cells {
    doc["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let evidence: Vec<String> = r["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.to_string())
                .collect();
            (
                (
                    r["speaker"].as_str().unwrap().to_string(),
                    r["actor"].as_str().unwrap().to_string(),
                ),
                (
                    r["stance"].as_str().unwrap().to_string(),
                    evidence.len().to_string(),
                    (r["confidence"].as_f64().unwrap() as f32).to_string(),
                    evidence.join(" "),
                ),
            )
        })
        .collect()
}

fn the_page_matches_the_json_and_renders(profile: &str) {
    let example = root().join("examples/defence-minister-pact.txt");
    let json: serde_json::Value =
        serde_json::from_slice(&classify(&example, "json", profile)).unwrap();
    let html = String::from_utf8(classify(&example, "html", profile)).unwrap();
    browser::assert_self_contained(&html);

    let (page, expected) = (chips(&html), json_chips(&json));
    assert!(expected.len() > 20, "{} actor rows", expected.len());
    assert_eq!(page, expected, "the chips differ from the JSON rows");
    assert_eq!(
        cells(&html),
        json_cells(&json),
        "the grid differs from the summary"
    );
    let sentences = json["sentences"].as_array().unwrap().len();
    assert_eq!(html.matches("<span class=\"sentence").count(), sentences);
    // The speaker and the quote of a direct quotation are marked.
    assert!(html.contains("<span class=\"cue\" title=\"speaker: Khawaja Muhammad Asif\">"));
    assert!(html.contains("<span class=\"quote\">"));
    let dropped = json["dropped"].as_array().unwrap().len();
    assert!(dropped > 0);
    assert!(html.contains(&format!("<summary>{dropped} lines not read as content")));

    let Some(chromium) = browser::chromium_or_skip("the document page render check") else {
        return;
    };
    let dir = kept_dir("view_html", profile);
    let page = dir.join("document.html");
    fs::write(&page, &html).unwrap();
    // The DOM after the page's script ran still holds every chip and cell.
    let dom = browser::dump_dom(&chromium, &page, &dir);
    assert_eq!(chips(&dom), expected);
    assert_eq!(cells(&dom), json_cells(&json));
    for (size, name) in [((1200, 1600), "desktop.png"), ((390, 1600), "phone.png")] {
        let png = dir.join(name);
        browser::screenshot_sized(&chromium, &page, &png, &dir, size);
        let (share, pixels) = browser::ink(&png);
        assert!(
            share > 0.04,
            "{name}: only {:.1}% of the screenshot is not white",
            share * 100.0
        );
        // Favor chips and cells in Okabe-Ito blue, against in vermillion.
        for (label, c) in [
            ("favor", [0x00, 0x72, 0xB2]),
            ("against", [0xD5, 0x5E, 0x00]),
        ] {
            let n = browser::near(&pixels, c);
            assert!(
                n > 150,
                "{name}: {n} {label} pixels; the chips did not draw"
            );
        }
        eprintln!(
            "{name}: {:.1}% ink, kept at {}",
            share * 100.0,
            png.display()
        );
    }
    // Printable: the print styles give a real PDF of at least one page.
    let pdf = browser::print_to_pdf(&chromium, &page, &dir.join("document.pdf"), &dir);
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    assert!(
        pdf.len() > 20_000,
        "a {}-byte PDF is too small to hold the page",
        pdf.len()
    );
}

#[test]
fn the_document_page_carries_the_json_numbers_and_renders() {
    the_page_matches_the_json_and_renders("accurate");
}

#[test]
fn the_document_page_of_the_fast_profile_carries_its_numbers_and_renders() {
    the_page_matches_the_json_and_renders("fast");
}

#[test]
fn text_that_looks_like_markup_is_shown_as_text() {
    let dir = kept_dir("view_html", "markup");
    let path = dir.join("markup.txt");
    fs::write(
        &path,
        "Minister Alva Renn said Freedonia & Sylvania <must> pay for the <script>alert(1)</script> \
         attack on Ukraine.\n\n\"We will not forget,\" Renn added.\n",
    )
    .unwrap();
    let html = String::from_utf8(classify(&path, "html", "fast")).unwrap();
    browser::assert_self_contained(&html);
    assert!(!html.contains("<must>") && !html.contains("<script>alert"));
    assert!(html.contains("&lt;must&gt;") && html.contains("&lt;script&gt;alert(1)"));
    assert!(html.contains("Freedonia &amp; Sylvania"));
}
