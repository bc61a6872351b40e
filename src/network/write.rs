//! Writing the five files of a network: the CSV tables and the JSON here, GraphML and HTML in
//! their own modules. Floats go out with four decimals everywhere, so files are byte-stable.

use super::aggregate::Network;
use super::{graphml, html, NetworkError, Options};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Four decimals, the one float format of every output.
pub(crate) fn fmt4(x: f64) -> String {
    format!("{x:.4}")
}

/// The number as `network.json` writes it (serde_json's shortest round-trip form).
pub(crate) fn json_number(x: f64) -> String {
    serde_json::Number::from_f64(x).map_or_else(|| "null".into(), |n| n.to_string())
}

/// The whole of `network.json`. The input paths are left out on purpose: the same documents
/// under another name give the same file.
#[derive(Serialize)]
pub(crate) struct JsonOut<'a> {
    pub generator: &'static str,
    pub options: &'a Options,
    #[serde(flatten)]
    pub network: &'a Network,
}

impl<'a> JsonOut<'a> {
    pub fn new(network: &'a Network, options: &'a Options) -> Self {
        JsonOut {
            generator: concat!("standpoint ", env!("CARGO_PKG_VERSION"), " network"),
            options,
            network,
        }
    }
}

pub(crate) fn all(network: &Network, opts: &Options) -> Result<(), NetworkError> {
    let dir = &opts.output;
    write_file(&dir.join("edges.csv"), |w| edges_csv(network, w))?;
    write_file(&dir.join("nodes.csv"), |w| nodes_csv(network, w))?;
    write_file(&dir.join("network.graphml"), |w| graphml::write(network, w))?;
    let json = JsonOut::new(network, opts);
    write_file(&dir.join("network.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, &json).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })?;
    write_file(&dir.join("network.html"), |w| html::write(&json, w))?;
    Ok(())
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), NetworkError> {
    let file = std::fs::File::create(path).map_err(NetworkError::write(path))?;
    let mut w = std::io::BufWriter::new(file);
    body(&mut w).map_err(NetworkError::write(path))?;
    w.flush().map_err(NetworkError::write(path))
}

fn edges_csv(network: &Network, w: &mut dyn Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "holder",
        "actor",
        "actor_id",
        "actor_type",
        "n",
        "favor",
        "against",
        "neutral",
        "net",
        "net_low",
        "net_high",
        "documents",
        "first_date",
        "last_date",
        "confidence",
    ])?;
    for e in &network.edges {
        csv.write_record([
            e.holder.clone(),
            e.actor.clone(),
            e.actor_id.clone(),
            e.actor_type.clone(),
            e.n.to_string(),
            e.counts.favor.to_string(),
            e.counts.against.to_string(),
            e.counts.neutral.to_string(),
            fmt4(e.net),
            fmt4(e.net_low),
            fmt4(e.net_high),
            e.documents.to_string(),
            e.first_date.clone().unwrap_or_default(),
            e.last_date.clone().unwrap_or_default(),
            fmt4(e.confidence),
        ])?;
    }
    csv.flush()
}

fn nodes_csv(network: &Network, w: &mut dyn Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(["id", "name", "type", "degree", "mentions", "statements"])?;
    for n in &network.nodes {
        csv.write_record([
            n.id.clone(),
            n.name.clone(),
            n.kind.clone(),
            n.degree.to_string(),
            n.mentions.to_string(),
            n.statements.to_string(),
        ])?;
    }
    csv.flush()
}
