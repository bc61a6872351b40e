//! The README's worked example end to end on the real models: `batch` the bundled corpus with
//! its dates kept, `network` the output, and open the page in headless Chromium: it draws the
//! graph, the table carries exactly the numbers of `network.json`, and a linked pair shows its
//! time series and evidence.

mod browser;
mod common;

use browser::{attr, kept_dir, unescape};

use std::fs;
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_standpoint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(c: &mut Command) -> String {
    let o = c.output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The text inside the element whose start tag holds `id="<id>"`.
fn inner<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("id=\"{id}\"")).expect(id);
    let open = at + html[at..].find('>').unwrap() + 1;
    let rest = &html[open..];
    &rest[..rest.find("</").unwrap()]
}

#[test]
fn the_bundled_corpus_becomes_a_network_page_that_draws_and_carries_the_json_numbers() {
    let dir = kept_dir("network_page", "corpus");
    let scored = dir.join("scored.jsonl");
    run(bin()
        .args(["batch", "examples/corpus/news.jsonl", "-q", "--keep-fields"])
        .arg("date,source,url")
        .arg("-o")
        .arg(&scored));
    let out = dir.join("network");
    let said = run(bin().arg("network").arg(&scored).arg("--output").arg(&out));
    assert!(said.contains("36 documents (0 without a date)"), "{said}");
    for f in [
        "edges.csv",
        "nodes.csv",
        "network.graphml",
        "network.json",
        "network.html",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("network.json")).unwrap()).unwrap();
    let edges = json["edges"].as_array().unwrap();
    assert!(edges.len() > 40, "{} edges", edges.len());
    // The corpus spans six months, and its storylines recur: some pair has rows in several.
    let (linked, edge) = edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e["series"].as_object().unwrap().len() >= 3)
        .max_by_key(|(i, e)| (e["n"].as_u64().unwrap(), std::cmp::Reverse(*i)))
        .expect("a pair with rows in three months");
    assert_eq!(json["buckets"].as_array().unwrap().len(), 6);

    let html = fs::read_to_string(out.join("network.html")).unwrap();
    browser::assert_self_contained(&html);
    let Some(chromium) = browser::chromium_or_skip("the network page render check") else {
        return;
    };
    let page = out.join("network.html");
    let png = dir.join("network.png");
    browser::screenshot(&chromium, &page, &png, &dir);
    let (share, pixels) = browser::ink(&png);
    assert!(share > 0.05, "only {:.1}% ink", share * 100.0);
    // Edges in the favor blue and the against orange of the scale.
    for (label, c) in [("favor", [33, 102, 172]), ("against", [230, 97, 1])] {
        let n = browser::near(&pixels, c);
        assert!(n > 300, "{n} {label} pixels: the graph did not draw");
    }

    // After the page's script ran, with a pair linked by the address.
    let linked_page = dir.join("linked.html");
    fs::write(
        &linked_page,
        html.replacen(
            "<head>",
            &format!("<head><script>history.replaceState(null,'','#pair={linked}');</script>"),
            1,
        ),
    )
    .unwrap();
    let dom = browser::dump_dom(&chromium, &linked_page, &dir);
    let drawn_edges = dom.matches("class=\"edge").count();
    assert!(drawn_edges >= edges.len(), "{drawn_edges} edges drawn");
    assert!(dom.matches("<g class=\"node\"").count() >= 20);
    // Every table row carries the JSON's values exactly, as written there.
    let rows: Vec<&str> = dom
        .match_indices("<tr class=\"pair")
        .map(|(i, _)| &dom[i..])
        .collect();
    assert_eq!(rows.len(), edges.len());
    for row in rows {
        let i: usize = attr(row, "data-index").unwrap().parse().unwrap();
        let e = &edges[i];
        let row = &row[..row.find("</tr>").unwrap()];
        for col in [
            "holder", "actor", "n", "favor", "against", "net", "net_low", "net_high",
        ] {
            let at = row
                .find(&format!("<td class=\"{col}\""))
                .unwrap_or_else(|| panic!("{col}"));
            let value = attr(&row[at..], "data-value").unwrap();
            let expected = match &e[col] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(value, expected, "edge {i} {col}");
        }
    }
    // The linked pair's panel: its title, one bar per non-zero (month, stance), its evidence.
    let title = unescape(inner(&dom, "detail-title"));
    assert_eq!(
        title,
        format!(
            "{} \u{2192} {}",
            edge["holder"].as_str().unwrap(),
            edge["actor"].as_str().unwrap()
        )
    );
    let bars: usize = edge["series"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| {
            c.as_object()
                .unwrap()
                .values()
                .filter(|n| n.as_u64() != Some(0))
                .count()
        })
        .sum();
    let series = &dom[dom.find("id=\"series\"").unwrap()..];
    let series = &series[..series.find("</svg>").unwrap()];
    assert_eq!(series.matches("<rect class=\"bar ").count(), bars);
    let evidence = &dom[dom.find("id=\"evidence\"").unwrap()..];
    let evidence = &evidence[..evidence.find("</ol>").unwrap()];
    assert_eq!(
        evidence.matches("<li").count(),
        edge["evidence"].as_array().unwrap().len()
    );
}
