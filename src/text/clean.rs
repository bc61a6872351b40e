//! Web-page boilerplate removal that keeps offsets: lines such as comment forms, share buttons,
//! cookie banners and a repeated headline are dropped and reported, and what is kept is a list
//! of byte ranges of the original text, so later stages report offsets into the original.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A kept stretch of the original text: consecutive kept lines, `original[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
}

/// A dropped line and why it was dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Line number in the original text, from 1.
    pub line: usize,
    /// Byte range of the line (without its line break) in the original text.
    pub start: usize,
    pub end: usize,
    /// The line, trimmed.
    pub text: String,
    /// Why, in a few lowercase words: "comment form", "repeated headline", ...
    pub reason: String,
}

/// The result of [`clean`]: what was kept, as ranges of the original text, and what was not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cleaned {
    /// Kept byte ranges of the original, in order and disjoint. A dropped line between two kept
    /// lines separates their segments, so no sentence spans the gap.
    pub segments: Vec<Segment>,
    pub dropped: Vec<Dropped>,
}

impl Cleaned {
    /// The kept ranges as `(start, end)` pairs, the form [`crate::text::sentences::split`] takes.
    pub fn ranges(&self) -> Vec<(usize, usize)> {
        self.segments.iter().map(|s| (s.start, s.end)).collect()
    }

    /// The kept text, segments joined by a line break (for display; offsets into it mean
    /// nothing, use the segments).
    pub fn text(&self, original: &str) -> String {
        let parts: Vec<&str> = self
            .segments
            .iter()
            .filter_map(|s| original.get(s.start..s.end))
            .collect();
        parts.join("\n")
    }

    /// Whether nothing but whitespace was kept.
    pub fn is_empty(&self, original: &str) -> bool {
        self.segments.iter().all(|s| {
            original
                .get(s.start..s.end)
                .is_none_or(|kept| kept.trim().is_empty())
        })
    }
}

const COMMENT_FORM: &str = "comment form";
const AFTER_COMMENT_FORM: &str = "after comment form";
const SHARE: &str = "share buttons";
const COOKIES: &str = "cookie banner";
const RELATED: &str = "related links";
const ADVERTISEMENT: &str = "advertisement";
const NEWSLETTER: &str = "newsletter prompt";
const COPYRIGHT: &str = "copyright notice";
const PRINT_EMAIL: &str = "print or email link";
const TAGS: &str = "tag or category line";
const STORY_ID: &str = "story id line";
const REPEATED_HEADLINE: &str = "repeated headline";

/// Whole lines (normalised: lowercase, single spaces, trailing `:`/`*`/`|` removed) that are
/// boilerplate.
static EXACT: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let groups: [(&str, &[&str]); 9] = [
        (
            COMMENT_FORM,
            &[
                "leave a reply",
                "leave a comment",
                "leave a reply cancel reply",
                "post a comment",
                "add a comment",
                "join the discussion",
                "join the conversation",
                "post comment",
                "submit comment",
                "cancel reply",
                "comment",
                "comments",
                "name",
                "your name",
                "email",
                "e-mail",
                "your email",
                "email address",
                "website",
                "reply",
                "notify me of follow-up comments by email",
                "notify me of new posts by email",
                "notify me of new comments via email",
            ],
        ),
        (
            SHARE,
            &[
                "share",
                "share this",
                "share this article",
                "share this story",
                "share this post",
                "share article",
                "share via",
                "tweet",
                "pin it",
                "facebook",
                "twitter",
                "x",
                "linkedin",
                "whatsapp",
                "telegram",
                "reddit",
                "pinterest",
                "copy link",
                "send to friend",
                "send to friends",
                "send to a friend",
                "like this",
                "like loading...",
                "like loading…",
            ],
        ),
        (
            COOKIES,
            &[
                "accept all cookies",
                "accept cookies",
                "accept all",
                "reject all",
                "manage cookies",
                "cookie settings",
                "cookie policy",
                "manage preferences",
            ],
        ),
        (
            RELATED,
            &[
                "related",
                "related posts",
                "related articles",
                "related stories",
                "related news",
                "related content",
                "related coverage",
                "read more",
                "read next",
                "more stories",
                "more on this story",
                "you may also like",
                "you might also like",
                "recommended",
                "recommended for you",
                "most read",
                "most popular",
                "trending",
            ],
        ),
        (
            ADVERTISEMENT,
            &[
                "advertisement",
                "advertisements",
                "ad",
                "sponsored",
                "sponsored content",
                "story continues below advertisement",
                "article continues below advertisement",
                "article continues below",
                "continue reading below",
                "scroll to continue with content",
                "skip advertisement",
            ],
        ),
        (
            NEWSLETTER,
            &[
                "subscribe",
                "subscribe now",
                "subscribe to our newsletter",
                "sign up",
                "sign up for our newsletter",
                "newsletter",
                "get our newsletter",
            ],
        ),
        (COPYRIGHT, &["all rights reserved", "all rights reserved."]),
        (
            PRINT_EMAIL,
            &[
                "print",
                "print this article",
                "print this page",
                "print article",
                "email this",
                "email this article",
                "email this story",
                "email article",
            ],
        ),
        (TAGS, &["tags", "topics", "categories"]),
    ];
    groups
        .iter()
        .flat_map(|(reason, lines)| lines.iter().map(move |line| (*line, *reason)))
        .collect()
});

/// Line beginnings that mark boilerplate, with the longest line (bytes) they apply to, so a long
/// body sentence that happens to start the same way is kept.
const PREFIXES: &[(&str, &str, usize)] = &[
    (
        "your email address will not be published",
        COMMENT_FORM,
        300,
    ),
    ("save my name, email, and website", COMMENT_FORM, 300),
    ("save my name and email", COMMENT_FORM, 300),
    ("required fields are marked", COMMENT_FORM, 200),
    ("you must be logged in to post a comment", COMMENT_FORM, 200),
    ("this site uses akismet", COMMENT_FORM, 300),
    ("click to share on ", SHARE, 120),
    ("click to email", SHARE, 120),
    ("click to print", SHARE, 120),
    ("share on ", SHARE, 40),
    ("share via ", SHARE, 40),
    ("share this:", SHARE, 200),
    ("follow us on twitter", SHARE, 120),
    ("follow us on x ", SHARE, 120),
    ("follow us on facebook", SHARE, 120),
    ("follow us on instagram", SHARE, 120),
    ("follow us on telegram", SHARE, 120),
    ("follow us on youtube", SHARE, 120),
    ("follow us on linkedin", SHARE, 120),
    ("follow us on whatsapp", SHARE, 120),
    ("follow us on social media", SHARE, 120),
    ("follow us @", SHARE, 80),
    ("join us on ", SHARE, 80),
    ("news id:", STORY_ID, 40),
    ("news code:", STORY_ID, 40),
    ("story code:", STORY_ID, 40),
    ("article id:", STORY_ID, 40),
    ("we use cookies", COOKIES, 2000),
    ("this website uses cookies", COOKIES, 2000),
    ("this site uses cookies", COOKIES, 2000),
    ("by continuing to use this site", COOKIES, 1000),
    ("by continuing to browse", COOKIES, 1000),
    ("by using this site, you agree", COOKIES, 1000),
    ("related:", RELATED, 300),
    ("related posts:", RELATED, 300),
    ("read more:", RELATED, 300),
    ("also read:", RELATED, 300),
    ("read also:", RELATED, 300),
    ("subscribe to our newsletter", NEWSLETTER, 300),
    ("sign up for our newsletter", NEWSLETTER, 300),
    ("sign up to our newsletter", NEWSLETTER, 300),
    ("©", COPYRIGHT, 300),
    ("copyright ©", COPYRIGHT, 300),
    ("copyright (c)", COPYRIGHT, 300),
    ("tags:", TAGS, 500),
    ("tagged:", TAGS, 500),
    ("tagged with", TAGS, 500),
    ("filed under", TAGS, 500),
    ("categories:", TAGS, 500),
    ("category:", TAGS, 500),
    ("topics:", TAGS, 500),
];

/// Comment-form headers: near the end of a page, everything after one is the form and readers'
/// comments, not the story.
const TAIL_MARKERS: &[&str] = &[
    "leave a reply",
    "leave a comment",
    "leave a reply cancel reply",
    "post a comment",
    "add a comment",
    "join the discussion",
    "join the conversation",
];

/// How much of a line the classifier normalises: boilerplate lines are short, and prefix rules
/// only need the start, so very long lines cost nothing extra.
const KEY_LEN: usize = 320;

/// A line is "near the end" when it starts past this share of the text (in thirds) ...
const TAIL_THIRDS: usize = 1;
/// ... or when at least this many substantial story lines come before it.
const TAIL_MIN_BODY_LINES: usize = 3;

/// Longest first line (bytes) that counts as a headline for the repeated-headline check.
const MAX_HEADLINE: usize = 1000;

/// Drops boilerplate lines from `text`; see [`Cleaned`].
pub fn clean(text: &str) -> Cleaned {
    let mut cleaned = Cleaned::default();
    let mut kept_in_a_row = false;
    let mut tail = false;
    let mut headline: Option<String> = None;
    let mut checked_repeat = false;
    let mut body_lines = 0usize;
    let mut start = 0;
    for (number, raw) in text.split_inclusive('\n').enumerate() {
        let line_start = start;
        start += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let line_end = line_start + content.len();
        let trimmed = content.trim();
        let reason = if trimmed.is_empty() {
            None
        } else if tail {
            Some(classify(trimmed, &key(trimmed)).unwrap_or(AFTER_COMMENT_FORM))
        } else {
            let key = key(trimmed);
            if TAIL_MARKERS.contains(&key.as_str())
                && (line_start * 3 >= text.len() * TAIL_THIRDS || body_lines >= TAIL_MIN_BODY_LINES)
            {
                tail = true;
            }
            classify(trimmed, &key).or_else(|| {
                if checked_repeat {
                    return None;
                }
                match &headline {
                    None => {
                        // A line too long to be a headline is stored empty, matching nothing.
                        let first = if trimmed.len() <= MAX_HEADLINE {
                            trimmed
                        } else {
                            ""
                        };
                        headline = Some(first.to_string());
                        None
                    }
                    Some(first) => {
                        checked_repeat = true;
                        repeats(first, trimmed).then_some(REPEATED_HEADLINE)
                    }
                }
            })
        };
        match reason {
            Some(reason) => {
                cleaned.dropped.push(Dropped {
                    line: number + 1,
                    start: line_start + (content.len() - content.trim_start().len()),
                    end: line_start + content.trim_end().len(),
                    text: trimmed.to_string(),
                    reason: reason.to_string(),
                });
                kept_in_a_row = false;
            }
            None => {
                if trimmed.len() >= 60 {
                    body_lines += 1;
                }
                match cleaned.segments.last_mut() {
                    Some(segment) if kept_in_a_row => segment.end = line_end,
                    _ => cleaned.segments.push(Segment {
                        start: line_start,
                        end: line_end,
                    }),
                }
                kept_in_a_row = true;
            }
        }
    }
    cleaned
        .segments
        .retain(|s| !text[s.start..s.end].trim().is_empty());
    cleaned
}

/// The boilerplate class of a (trimmed, non-empty) line, if any.
fn classify(line: &str, key: &str) -> Option<&'static str> {
    if let Some(reason) = EXACT.get(key) {
        return Some(reason);
    }
    if line.len() <= 200 && key.contains("all rights reserved") {
        return Some(COPYRIGHT);
    }
    PREFIXES
        .iter()
        .find(|(prefix, _, max_len)| line.len() <= *max_len && key.starts_with(prefix))
        .map(|(_, reason, _)| *reason)
}

/// The start of a line, normalised for matching: lowercase, typographic apostrophes made plain,
/// whitespace runs made single spaces, leading bullets and trailing `:`, `*`, `|`, arrows removed.
fn key(line: &str) -> String {
    let mut end = line.len().min(KEY_LEN);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let mut key = String::with_capacity(end);
    for word in line[..end].split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars() {
            match c {
                '’' | '‘' => key.push('\''),
                _ => key.extend(c.to_lowercase()),
            }
        }
    }
    let trimmed = key
        .trim_start_matches(['•', '|', '›', '»', '#', '-', ' '])
        .trim_end_matches([':', '*', '|', '›', '»', '→', ' ']);
    trimmed.to_string()
}

/// Whether `line` repeats the headline `first`, ignoring case, punctuation and spacing, and a
/// " | Site name" suffix on the first.
fn repeats(first: &str, line: &str) -> bool {
    let line = letters(line);
    if line.is_empty() || first.is_empty() {
        return false;
    }
    if letters(first) == line {
        return true;
    }
    [" | ", " - ", " – ", " — "]
        .iter()
        .filter_map(|separator| first.rsplit_once(separator))
        .any(|(title, _site)| letters(title) == line)
}

/// Lowercase words of letters and digits, single-spaced.
fn letters(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences::split;

    fn kept<'a>(original: &'a str, cleaned: &Cleaned) -> Vec<&'a str> {
        cleaned
            .segments
            .iter()
            .map(|s| &original[s.start..s.end])
            .collect()
    }

    fn reasons(cleaned: &Cleaned) -> Vec<(usize, &str, &str)> {
        cleaned
            .dropped
            .iter()
            .map(|d| (d.line, d.text.as_str(), d.reason.as_str()))
            .collect()
    }

    const WIRE_STORY: &str = "Pakistan army says it killed 12 militants in northwest\n\
        \n\
        Pakistan Army Says It Killed 12 Militants in Northwest.\n\
        \n\
        ISLAMABAD, Sept 20 (Reuters) - Pakistan's army said on Tuesday it had killed 12 militants \
        in a raid near the Afghan border, the latest in a series of operations.\n\
        \n\
        “The operation will continue until the area is cleared,” the military said in a statement.\n\
        \n\
        The Pakistani Taliban did not immediately comment.\n\
        \n\
        Share this:\n\
        Click to share on Facebook (Opens in new window)\n\
        Tweet\n\
        \n\
        Leave a Reply\n\
        Your email address will not be published. Required fields are marked *\n\
        Comment *\n\
        Name *\n\
        Email *\n\
        Website\n\
        Save my name, email, and website in this browser for the next time I comment.\n\
        Post Comment\n\
        Great article, thanks\n";

    #[test]
    fn wire_story_keeps_headline_once_and_drops_the_footer() {
        let cleaned = clean(WIRE_STORY);
        assert_eq!(
            reasons(&cleaned),
            [
                (
                    3,
                    "Pakistan Army Says It Killed 12 Militants in Northwest.",
                    REPEATED_HEADLINE
                ),
                (11, "Share this:", SHARE),
                (
                    12,
                    "Click to share on Facebook (Opens in new window)",
                    SHARE
                ),
                (13, "Tweet", SHARE),
                (15, "Leave a Reply", COMMENT_FORM),
                (
                    16,
                    "Your email address will not be published. Required fields are marked *",
                    COMMENT_FORM
                ),
                (17, "Comment *", COMMENT_FORM),
                (18, "Name *", COMMENT_FORM),
                (19, "Email *", COMMENT_FORM),
                (20, "Website", COMMENT_FORM),
                (
                    21,
                    "Save my name, email, and website in this browser for the next time I comment.",
                    COMMENT_FORM
                ),
                (22, "Post Comment", COMMENT_FORM),
                (23, "Great article, thanks", AFTER_COMMENT_FORM),
            ]
        );
        let kept = kept(WIRE_STORY, &cleaned);
        assert_eq!(kept.len(), 2);
        assert_eq!(
            kept[0],
            "Pakistan army says it killed 12 militants in northwest\n"
        );
        assert!(kept[1].starts_with("\nISLAMABAD, Sept 20 (Reuters)"));
        assert!(kept[1].ends_with("The Pakistani Taliban did not immediately comment.\n"));

        let sentences = split(WIRE_STORY, &cleaned.ranges());
        let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert_eq!(
            texts[0],
            "Pakistan army says it killed 12 militants in northwest"
        );
        assert!(sentences[0].is_headline);
        assert_eq!(
            texts.iter().filter(|t| t.contains("12 Militants")).count(),
            0
        );
        for s in &sentences {
            assert_eq!(&WIRE_STORY[s.start..s.end], s.text);
        }
        // Each dropped line's offsets point at it in the original.
        for d in &cleaned.dropped {
            assert_eq!(&WIRE_STORY[d.start..d.end], d.text);
        }
    }

    #[test]
    fn dropped_line_mid_paragraph_separates_segments() {
        let text = "The army moved in\nAdvertisement\nand the talks collapsed.";
        let cleaned = clean(text);
        assert_eq!(
            kept(text, &cleaned),
            ["The army moved in", "and the talks collapsed."]
        );
        assert_eq!(reasons(&cleaned), [(2, "Advertisement", ADVERTISEMENT)]);
    }

    #[test]
    fn each_kind_of_boilerplate_is_recognised() {
        let cases = [
            (
                "We use cookies to improve your experience. By continuing you agree.",
                COOKIES,
            ),
            ("Accept all cookies", COOKIES),
            ("Related posts", RELATED),
            ("Read more: Pakistan floods displace thousands", RELATED),
            ("ADVERTISEMENT", ADVERTISEMENT),
            ("Subscribe to our newsletter", NEWSLETTER),
            ("© 2024 Example News. All rights reserved.", COPYRIGHT),
            ("Copyright 2024 Reuters. All Rights Reserved.", COPYRIGHT),
            ("Print", PRINT_EMAIL),
            ("Email this article", PRINT_EMAIL),
            ("Tags: Pakistan, Taliban, Security", TAGS),
            ("Filed under: World", TAGS),
            ("Share on Facebook", SHARE),
            ("Click to share on Twitter (Opens in new window)", SHARE),
            ("• Share this", SHARE),
            ("Cancel reply", COMMENT_FORM),
            ("Follow us on Twitter @IrnaEnglish", SHARE),
            ("Send to friends", SHARE),
            ("News ID: 85945678", STORY_ID),
            ("News Code: 1234", STORY_ID),
        ];
        for (line, reason) in cases {
            let text = format!(
                "The first paragraph of the story is long enough to count as body text here.\n\
                 {line}\nThe last paragraph."
            );
            let cleaned = clean(&text);
            assert_eq!(reasons(&cleaned), [(2, line, reason)], "{line}");
        }
    }

    #[test]
    fn body_sentences_that_mention_boilerplate_words_are_kept() {
        let text = "Share prices fell on Monday.\n\
                    The minister said the comment was taken out of context.\n\
                    Tags were attached to the ballots, officials said.\n\
                    Print media have been banned from the session, the speaker said on Monday \
                    after a long debate about the rules.\n\
                    Website operators must register with the regulator, the law says.\n\
                    Comment is free but facts are sacred, the editor wrote.\n\
                    Follow us on the long road to peace, the minister urged the rebels in a speech.";
        let cleaned = clean(text);
        assert!(cleaned.dropped.is_empty(), "{:?}", reasons(&cleaned));
        assert_eq!(kept(text, &cleaned), [text]);
    }

    #[test]
    fn comment_marker_near_the_top_only_drops_its_line() {
        let text = "Leave a comment\nThe army moved in.\nThe talks collapsed.\nBoth sides left.\n\
                    Officials said more talks were planned.\n";
        let cleaned = clean(text);
        assert_eq!(reasons(&cleaned), [(1, "Leave a comment", COMMENT_FORM)]);
        assert_eq!(kept(text, &cleaned).len(), 1);
    }

    #[test]
    fn headline_repeat_ignores_case_punctuation_spacing_and_site_suffix() {
        for (headline, repeat) in [
            ("Talks collapse in Doha", "Talks collapse in Doha"),
            ("Talks collapse in Doha", "TALKS   COLLAPSE IN DOHA."),
            (
                "Talks collapse in Doha | Example News",
                "Talks collapse in Doha",
            ),
            ("“Talks collapse” in Doha", "\"Talks collapse\" in Doha"),
        ] {
            let text = format!("{headline}\n\n{repeat}\n\nThe talks collapsed on Friday.\n");
            let cleaned = clean(&text);
            assert_eq!(
                reasons(&cleaned),
                [(3, repeat, REPEATED_HEADLINE)],
                "{repeat}"
            );
        }
        // Only the first body line is compared: a later identical line is kept.
        let text = "Talks collapse\n\nThe talks collapsed.\n\nTalks collapse\n";
        assert!(clean(text).dropped.is_empty());
    }

    #[test]
    fn text_joins_segments_and_is_empty_checks_content() {
        let text = "Share this:\n\nAdvertisement\n";
        let cleaned = clean(text);
        assert!(cleaned.is_empty(text));
        assert!(cleaned.segments.is_empty());
        let text = "One.\nAdvertisement\nTwo.\n";
        let cleaned = clean(text);
        assert_eq!(cleaned.text(text), "One.\nTwo.");
        assert!(!cleaned.is_empty(text));
    }

    #[test]
    fn crlf_lines_and_missing_final_newline() {
        let text = "Headline\r\n\r\nHeadline\r\nBody text.";
        let cleaned = clean(text);
        assert_eq!(reasons(&cleaned), [(3, "Headline", REPEATED_HEADLINE)]);
        assert_eq!(kept(text, &cleaned), ["Headline\r\n", "Body text."]);
    }

    #[test]
    fn twenty_megabyte_single_line_is_cleaned_quickly() {
        let text = "The talks collapsed on Friday. ".repeat(700_000);
        assert!(text.len() > 20_000_000);
        let started = std::time::Instant::now();
        let cleaned = clean(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(
            cleaned.segments,
            [Segment {
                start: 0,
                end: text.len()
            }]
        );
    }
}
