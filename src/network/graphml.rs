//! The network as GraphML 1.0 (directed, holder -> actor), valid against the GraphML XSD.
//!
//! GraphML ids must be XML name tokens, which canonical names ("United States") are not, so
//! nodes are `n0, n1, ...` in name order and edges `e0, e1, ...` in (holder, actor) order; the
//! name travels in the `name` attribute.

use super::aggregate::Network;
use crate::markup::xml_escape;
use std::io::{self, Write};

/// Attribute declarations: (key id, attr.name, attr.type).
const NODE_KEYS: &[(&str, &str, &str)] = &[
    ("n_name", "name", "string"),
    ("n_id", "id", "string"),
    ("n_type", "type", "string"),
    ("n_degree", "degree", "int"),
    ("n_mentions", "mentions", "int"),
    ("n_statements", "statements", "int"),
];

const EDGE_KEYS: &[(&str, &str, &str)] = &[
    ("e_holder", "holder", "string"),
    ("e_actor", "actor", "string"),
    ("e_actor_id", "actor_id", "string"),
    ("e_actor_type", "actor_type", "string"),
    ("e_n", "n", "int"),
    ("e_favor", "favor", "int"),
    ("e_against", "against", "int"),
    ("e_neutral", "neutral", "int"),
    ("e_net", "net", "double"),
    ("e_net_low", "net_low", "double"),
    ("e_net_high", "net_high", "double"),
    ("e_documents", "documents", "int"),
    ("e_first_date", "first_date", "string"),
    ("e_last_date", "last_date", "string"),
    ("e_confidence", "confidence", "double"),
];

pub(crate) fn write(network: &Network, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (target, keys) in [("node", NODE_KEYS), ("edge", EDGE_KEYS)] {
        for (id, name, kind) in keys {
            writeln!(
                w,
                r#"  <key id="{id}" for="{target}" attr.name="{name}" attr.type="{kind}"/>"#
            )?;
        }
    }
    writeln!(w, r#"  <graph id="standpoint" edgedefault="directed">"#)?;
    let index: std::collections::BTreeMap<&str, usize> = network
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    for (i, n) in network.nodes.iter().enumerate() {
        writeln!(w, r#"    <node id="n{i}">"#)?;
        data(w, "n_name", &n.name)?;
        data(w, "n_id", &n.id)?;
        data(w, "n_type", &n.kind)?;
        data(w, "n_degree", &n.degree.to_string())?;
        data(w, "n_mentions", &n.mentions.to_string())?;
        data(w, "n_statements", &n.statements.to_string())?;
        writeln!(w, "    </node>")?;
    }
    for (i, e) in network.edges.iter().enumerate() {
        let (Some(s), Some(t)) = (index.get(e.holder.as_str()), index.get(e.actor.as_str())) else {
            // Nodes are built from the edges, so both ends always exist.
            continue;
        };
        writeln!(w, r#"    <edge id="e{i}" source="n{s}" target="n{t}">"#)?;
        data(w, "e_holder", &e.holder)?;
        data(w, "e_actor", &e.actor)?;
        data(w, "e_actor_id", &e.actor_id)?;
        data(w, "e_actor_type", &e.actor_type)?;
        data(w, "e_n", &e.n.to_string())?;
        data(w, "e_favor", &e.counts.favor.to_string())?;
        data(w, "e_against", &e.counts.against.to_string())?;
        data(w, "e_neutral", &e.counts.neutral.to_string())?;
        data(w, "e_net", &super::write::fmt4(e.net))?;
        data(w, "e_net_low", &super::write::fmt4(e.net_low))?;
        data(w, "e_net_high", &super::write::fmt4(e.net_high))?;
        data(w, "e_documents", &e.documents.to_string())?;
        // An undated pair has no dates: the data elements are left out (GraphML's "unknown").
        if let (Some(first), Some(last)) = (&e.first_date, &e.last_date) {
            data(w, "e_first_date", first)?;
            data(w, "e_last_date", last)?;
        }
        data(w, "e_confidence", &super::write::fmt4(e.confidence))?;
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")
}

fn data(w: &mut dyn Write, key: &str, value: &str) -> io::Result<()> {
    writeln!(w, r#"      <data key="{key}">{}</data>"#, xml_escape(value))
}
