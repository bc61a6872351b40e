//! `Pipeline::classify_many` (documents batched together, as `batch` runs them) gives each
//! document the same result as classifying it alone, on the real models.

use standpoint::pipeline::{Pipeline, Profile};
use std::path::Path;

#[test]
fn documents_classified_together_equal_documents_classified_alone() {
    together_equals_alone(Profile::Accurate);
}

/// The joint model keeps each sentence's states for the stance pairs: the pairs of every
/// document must find their own sentence among the chunk's.
#[test]
fn the_fast_profile_gives_documents_classified_together_their_own_results() {
    together_equals_alone(Profile::Fast);
}

fn together_equals_alone(profile: Profile) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipeline =
        Pipeline::load_profile(&root.join("models"), None, profile).expect("models load");
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
        // The same bytes: a document's numbers do not depend on the documents beside it.
        assert_eq!(
            serde_json::to_string(joint).unwrap(),
            serde_json::to_string(&alone).unwrap()
        );
    }
}
