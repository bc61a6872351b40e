//! The text stage: raw bytes to checked text (`input`), web-page boilerplate dropped without
//! losing offsets (`clean`), and sentences located by byte offsets in the original (`sentences`).
//!
//! ```
//! use standpoint::text::{clean, input, sentences};
//!
//! let bytes = b"Talks collapse\n\nThe talks collapsed. Both sides left.\n\nShare this:\n";
//! let original = input::decode(bytes, "story.txt", false)?;
//! let cleaned = clean::clean(&original);
//! let found = sentences::split(&original, &cleaned.ranges());
//! assert_eq!(found.len(), 3);
//! assert!(found[0].is_headline);
//! assert_eq!(&original[found[1].start..found[1].end], "The talks collapsed.");
//! assert_eq!(cleaned.dropped[0].reason, "share buttons");
//! # Ok::<(), standpoint::text::TextError>(())
//! ```

pub mod clean;
pub mod input;
pub mod quotes;
pub mod sentences;
pub mod words;

pub use clean::{clean, Cleaned, Dropped, Segment};
pub use input::{check_text, decode, html_to_text, is_html, TextError};
pub use sentences::{split, split_all, Sentence};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_page_through_decode_html_clean_and_split() {
        let page = r##"<!DOCTYPE html><html><head><title>Talks collapse in Doha – Example News</title></head>
<body><header><nav><a href="/">Home</a></nav></header>
<article><h1 class="entry-title">Talks collapse in Doha</h1>
<div class="entry-content">
<p>DOHA, March 3 (Reuters) &ndash; Talks between the two sides collapsed on Friday, mediators said.</p>
<p>&ldquo;We tried everything,&rdquo; a Qatari official said.</p>
<div class="sharedaddy"><h3>Share this:</h3><ul>
<li><a href="#">Click to share on X (Opens in new window)</a></li>
<li><a href="#">Click to share on Facebook (Opens in new window)</a></li></ul></div>
<p class="tags">Tags: Doha, Talks</p>
</div></article>
<div id="respond"><h3 id="reply-title">Leave a Reply <small>Cancel reply</small></h3>
<form><p>Your email address will not be published.</p><textarea></textarea></form></div>
<div class="widget">Recent posts: Lorem ipsum</div>
<footer>&copy; 2024 Example News</footer></body></html>"##;
        let html = decode(page.as_bytes(), "page.html", false).unwrap();
        assert!(is_html(&html));
        let text = html_to_text(&html);
        let cleaned = clean(&text);
        let sentences = split(&text, &cleaned.ranges());
        let found: Vec<(&str, bool)> = sentences
            .iter()
            .map(|s| (s.text.as_str(), s.is_headline))
            .collect();
        assert_eq!(
            found,
            [
                ("Talks collapse in Doha", true),
                (
                    "DOHA, March 3 (Reuters) – Talks between the two sides collapsed on Friday, \
                     mediators said.",
                    false
                ),
                ("“We tried everything,” a Qatari official said.", false),
            ]
        );
        let reasons: Vec<&str> = cleaned.dropped.iter().map(|d| d.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "share buttons",
                "share buttons",
                "share buttons",
                "tag or category line",
                "comment form",
                "after comment form"
            ],
            "{:#?}",
            cleaned.dropped
        );
        for s in &sentences {
            assert_eq!(&text[s.start..s.end], s.text);
        }
    }
}
