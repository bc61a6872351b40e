//! `Pipeline::classify_many` (documents batched together, as `batch` runs them) gives each
//! document the same result as classifying it alone, on the real models.

use standpoint::pipeline::Pipeline;
use std::path::Path;

fn close(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() < 1e-4, "{path}: {x} vs {y}");
        }
        (serde_json::Value::Array(x), serde_json::Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                close(x, y, &format!("{path}[{i}]"));
            }
        }
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (k, v) in x {
                close(v, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

#[test]
fn documents_classified_together_equal_documents_classified_alone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipeline = Pipeline::load(&root.join("models"), None).expect("models load");
    let example = std::fs::read_to_string(root.join("examples/defence-minister-pact.txt")).unwrap();
    let docs = [
        example.as_str(),
        "",
        "The European Union fined Google, and Brussels said the penalty was overdue.",
        "\"We will not accept sanctions,\" the Iranian foreign minister said. He added that \
         Washington was isolated.",
    ];
    let together = pipeline.classify_many(&docs).expect("batched");
    assert_eq!(together.len(), docs.len());
    for (doc, joint) in docs.iter().zip(&together) {
        let alone = pipeline.classify(doc).expect("alone");
        close(
            &serde_json::to_value(joint).unwrap(),
            &serde_json::to_value(&alone).unwrap(),
            "doc",
        );
    }
}
