//! Named actors: the built-in alias table of states, organisations and groups with stable ids
//! (Wikidata QIDs), finding and canonicalising their aliases in text ("Islamabad" ->
//! Pakistan), context rules that tell a place from an actor, and in-document clustering of
//! people.
//!
//! ```
//! use standpoint::actors::{is_location_only, AliasTable};
//!
//! let table = AliasTable::builtin();
//! let text = "Islamabad has rejected the claims made at talks in Riyadh.";
//! let found = table.find_all(text);
//! assert_eq!(found[0].canonical, "Pakistan");
//! assert!(!is_location_only(text, &found[0]));
//! assert!(is_location_only(text, &found[1]));
//! assert_eq!(table.lookup("the U.S.").map(|a| a.id.as_str()), Some("Q30"));
//! ```

mod context;
mod document;
mod matcher;
mod people;
mod table;

pub use context::{
    first_person_spans, in_first_person_possessive, is_location_only, is_self_reference,
    is_source_credit,
};
pub use document::{
    find_in_document, initials as document_initials, overlaps, DocumentActors, Found, TaggedSpan,
};
pub use people::{canonical_unknown, cluster_people, PersonCluster, TITLES};
pub use table::{Actor, ActorKind, Alias, AliasKind, AliasMatch, AliasTable, AliasTableError};
