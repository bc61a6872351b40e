//! Who is speaking, through the real binary and the shipped attribution model: the forms of
//! speech that the rules alone attributed wrongly on news nobody here wrote (issue 12's list),
//! each in a short invented story, in both profiles. The rules' answers are noted beside each.

use std::io::Write;
use std::process::{Command, Stdio};

fn classify(text: &str, profile: &str) -> serde_json::Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args(["classify", "--format", "json", "--profile", profile, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("writes");
    let o = child.wait_with_output().expect("waits");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// The speaker of each sentence of `text`, in both profiles (they share the attribution model
/// but not the actor tagger, so both are checked).
fn speakers(text: &str) -> Vec<Vec<String>> {
    ["accurate", "fast"]
        .iter()
        .map(|p| {
            classify(text, p)["sentences"]
                .as_array()
                .expect("sentences")
                .iter()
                .map(|s| s["speaker"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .collect()
}

fn assert_speakers(text: &str, want: &[&str]) {
    for (profile, got) in ["accurate", "fast"].iter().zip(speakers(text)) {
        assert_eq!(got, want, "{profile} profile on:\n{text}");
    }
}

#[test]
fn a_quote_whose_speaker_follows_with_a_long_affiliation() {
    // Rules: author (the affiliation hides the verb's subject).
    assert_speakers(
        "Farmers blocked the main highway into Lima on Monday.\n\n\
         \"We will keep the road closed until the government listens to us,\" said Ana Ruiz \
         of the Andean Farmers Union in Lima.\n",
        &["author", "Ana Ruiz"],
    );
}

#[test]
fn a_pronoun_names_the_person_who_opened_its_own_sentence() {
    // Before: "he" took the speaker of an earlier sentence (Marta Lindqvist) in both the
    // sentence that introduced Oskar Berg and the quotation after it; a person named as a
    // possessor of another ("Berg's deputy Ivo Sand") is not that subject.
    assert_speakers(
        "Marta Lindqvist, the party's interim leader, said the board had no plans to replace \
         its candidate.\n\n\
         Former Uppsala Gov. Oskar Berg, who ran the party in 2004, agreed that the rules \
         needed work, but he said that the debate should wait.\n\n\
         \u{201c}There is no chance she will step aside,\u{201d} he said in a phone interview.\n",
        &["Marta Lindqvist", "Oskar Berg", "Oskar Berg"],
    );
}

#[test]
fn a_speaker_given_as_a_description_of_a_body_named_before() {
    // Rules: France (the subject of the reported clause).
    assert_speakers(
        "Le Monde reported on Monday that the talks between France and Algeria had stalled.\n\n\
         The newspaper wrote that Paris had rejected the latest proposal from Algiers.\n",
        &["Le Monde", "Le Monde"],
    );
}

#[test]
fn a_bodys_description_never_stands_for_the_person_who_spoke_before() {
    // Before: "The court" and "the ruling" took Helen Marsh, the last holder named.
    assert_speakers(
        "Sen. Helen Marsh of Vermont, the panel's ranking Democrat, said the vote was a ploy.\n\n\
         The court ruled that the state's practices could remove some eligible voters.\n\n\
         \"A state cannot avoid the conclusion that its process results in removal of voters by \
         providing that the notice is triggered by a failure to vote,\" the ruling said.\n",
        &["Helen Marsh", "court", "court"],
    );
}

#[test]
fn a_capitalised_pronoun_is_no_name() {
    // Before (accurate profile): the entity tagger took "She" opening a sentence for a person,
    // and "She" became the speaker of the quotation.
    assert_speakers(
        "Warren came out swinging at the forum, painting Romney as a caricature of a greedy \
         tycoon. She started off by stressing economic fairness. She then peppered him with \
         attacks on his biography and platform.\n\n\
         \u{201c}Why won\u{2019}t he release his tax returns? I think there may be a couple of \
         reasons,\u{201d} she said.\n",
        &["author", "author", "author", "Warren", "Warren"],
    );
}

#[test]
fn a_speech_verb_outside_the_rules_list() {
    // Rules: author ("joked" is not a speech verb to them).
    assert_speakers(
        "Chile and Bolivia met in Santiago on Tuesday to discuss water rights.\n\n\
         \"Bolivia has more lawyers than rivers,\" Chilean negotiator Pablo Soto joked.\n",
        &["author", "Pablo Soto"],
    );
}

#[test]
fn a_title_named_only_later_in_the_document() {
    // Rules: author.
    assert_speakers(
        "The interior minister mocked the opposition's plan to reform the police as a fantasy.\n\n\
         The plan, presented by the opposition last week, would cut police funding by a fifth.\n\n\
         Interior Minister Ana Ruiz, who took office in May, has led a crackdown on cartels.\n",
        &["Ana Ruiz", "author", "author"],
    );
}

#[test]
fn a_title_outside_the_title_list_and_a_name_in_apposition_after_the_title() {
    // Our test documents d201, d210 and d31, reworded. Before: "Norway" (a "fisheries
    // minister" title was not looked up, and "Reykjavik," before the later title was read as
    // another state's), and "Iceland's foreign minister" (the rules' title stood although the
    // model had the name after it).
    assert_speakers(
        "Norway's fisheries minister said on Monday that Iceland had broken the quota deal.\n\n\
         \"We will not let our cod be taken,\" said Iceland's foreign minister, Anna Jonsdottir.\n\n\
         \"Nobody breaks a deal with Reykjavik,\" Fisheries Minister Lars Berg told reporters.\n",
        &["Lars Berg", "Anna Jonsdottir", "Lars Berg"],
    );
}

#[test]
fn quotations_over_several_sentences_credited_after_a_dash() {
    // A list of readers' views, each quotation followed by "― Name." (a form of PolNeAR dev).
    // Before: the credit was a sentence of its own and every quotation went to the name
    // before it (the headline's "Voters", then the previous reader).
    assert_speakers(
        "12 Voters Share Their Views On The Debate.\n\n\
         “The debate was a disaster for him. He never answered a single question.” ― Maria Lopez.\n\
         “Trump must stop insulting people who work hard. Most of us pay our taxes.” ― Carla Sanchez.\n",
        &[
            "author",
            "Maria Lopez",
            "Maria Lopez",
            "Carla Sanchez",
            "Carla Sanchez",
        ],
    );
}

#[test]
fn quotations_opened_with_a_closing_mark_and_credited_after_a_dash() {
    // Before: the rules left the opening sentences to the narrator, and the tagger took the
    // mayor named inside the quotation for its source.
    let q = |s: &str| s.replace('<', "\u{201d}");
    assert_speakers(
        &q(
            "Readers sent us their views on the mayor's new housing plan.\n\n\
            <Mayor Lindqvist has let the city down. He promised homes and built parking lots. \
            His plan is a disgrace.< \u{2015} Sofia Marquez\n\n\
            <Hope. I truly think the plan will work. The council just proved that it can \
            deliver.< \u{2015} Daniel Ortega Ruiz\n",
        ),
        &[
            "author",
            "Sofia Marquez",
            "Sofia Marquez",
            "Sofia Marquez",
            "Daniel Ortega Ruiz",
            "Daniel Ortega Ruiz",
            "Daniel Ortega Ruiz",
        ],
    );
}

#[test]
fn a_second_quotation_after_said_x_continues_x_not_the_next_paragraphs_speaker() {
    // Before (accurate profile): the second quotation of each paragraph linked forward to the
    // cue of the next paragraph ("recalled", "were angered") and went to Jordi Vidal and to
    // "critics".
    assert_speakers(
        "\"More and more, there are events that knock your socks off, like the floods in \
         Valencia,\" said Elena Prats, a professor of climate science at the University of \
         Barcelona. \"Those are the kinds of events where it is becoming possible to draw \
         conclusions.\"\n\n\
         Jordi Vidal, one of the mayor's closest aides, recalled the mayor talking about a book \
         on collapsing societies.\n\n\
         \"If the board wanted any other citizen's files, they would just go get them,\" \
         Councillor Marc Puig, a member of the oversight panel, said in a phone interview. \
         \"But everyone close to the mayor gets a different set of standards. It is the \
         strangest thing I have ever seen.\"\n\n\
         The council will vote on the deals on Friday.\n",
        &[
            "Elena Prats",
            "Elena Prats",
            "Jordi Vidal",
            "Marc Puig",
            "Marc Puig",
            "Marc Puig",
            "author",
        ],
    );
}

#[test]
fn names_with_initials_apostrophes_and_a_title_outside_the_old_list() {
    // Forms of PolNeAR dev, reworded. Before: "J" (the entity tagger's name fell apart at the
    // initials' full stops), "Julie A" with "Diaz Martinez" as an actor of her own quotation,
    // and "Police Commissioner James O’Neill" (title kept, "Commissioner" unknown).
    assert_speakers(
        "“The plan is dead,” said J.J. MacNab, an expert on militias.\n\n\
         “We need change now.” ― Julie A. Diaz Martinez.\n\n\
         “The cause is unknown,” Police Commissioner James O’Neill said.\n",
        &["J.J. MacNab", "Julie A. Diaz Martinez", "James O'Neill"],
    );
}

#[test]
fn an_action_the_tagger_is_unsure_of_stays_narration() {
    // Our test document d41, reworded. Before: "Nordlys Line" in the accurate profile (the
    // tagger read "received approval to ..." as speech, with a low probability).
    for (profile, got) in ["accurate", "fast"].iter().zip(speakers(
        "Danish shipping group Nordlys Line received approval on Monday to build two new \
         ferries in Poland.\n\n\
         \"We are proud of this deal,\" Nordlys Line chief executive Ida Holm said.\n",
    )) {
        assert_eq!(got, ["author", "Ida Holm"], "{profile}");
    }
}

#[test]
fn a_news_agency_credited_for_a_fact_is_no_speaker() {
    // Guidelines, section 3: the facts an agency reports are the narrator's. Before: "Antara",
    // "Bernama" and "News Agency" (the rules named "Kenya"-style states or the agency).
    let text = "Indonesia and Malaysia signed a maritime pact on Monday.\n\n\
                According to the Antara news agency, the pact commits both navies to joint \
                patrols next year.\n\n\
                The Bernama news agency also reported that Thai officials welcomed the \
                agreement as a sign of a mature partnership.\n\n\
                Nigeria and Benin signed a border pact on Saturday, the News Agency of Nigeria \
                reported.\n";
    for (profile, got) in ["accurate", "fast"].iter().zip(speakers(text)) {
        assert_eq!(got[1], "author", "{profile}: {got:?}");
        // The officials it reports may speak; the agency does not.
        assert!(
            ["author", "Thailand"].contains(&got[2].as_str()),
            "{profile}: {got:?}"
        );
        assert_eq!(got[3], "author", "{profile}: {got:?}");
    }
    // Nor is the credited agency an actor of the sentence.
    for profile in ["accurate", "fast"] {
        let doc = classify(text, profile);
        for s in doc["sentences"].as_array().expect("sentences") {
            for a in s["actors"].as_array().expect("actors") {
                let actor = a["actor"].as_str().unwrap_or_default();
                assert!(
                    !actor.contains("Antara") && !actor.contains("News Agency"),
                    "{profile}: {actor}"
                );
            }
        }
    }
}

#[test]
fn a_colon_headline_is_a_quotation_of_the_holder_named_below_it() {
    // Our test document d201, reworded. Before: author for the headline.
    let story = "Danish minister: the ferry deal with Poland is dead\n\n\
                 Denmark's transport minister said on Monday that Poland had walked away from \
                 the ferry deal.\n\n\
                 Transport Minister Mette Lund, who took office in May, has promised new ferries \
                 by 2030.\n";
    for (profile, got) in ["accurate", "fast"].iter().zip(speakers(story)) {
        assert_eq!(got[..2], ["Mette Lund", "Mette Lund"], "{profile}");
    }
    // Words before the colon that name no role: no quotation.
    let latest = "The Latest: Poland and Denmark end ferry talks\n\n\
                  Denmark's transport minister said on Monday that Poland had walked away.\n";
    for (profile, got) in ["accurate", "fast"].iter().zip(speakers(latest)) {
        assert_eq!(got[0], "author", "{profile}");
    }
}

#[test]
fn unnamed_officials_speak_for_their_state_and_the_state_is_not_their_own_actor() {
    // Rules: author, then "Pakistan's foreign minister" against Pakistan itself.
    let text = "An Israeli official, speaking on condition of anonymity, said the talks with \
                Egypt had failed.\n\n\
                Pakistan's foreign minister said Islamabad would never accept India's position \
                on Kashmir.\n";
    assert_speakers(text, &["Israel", "Pakistan"]);
    for profile in ["accurate", "fast"] {
        let doc = classify(text, profile);
        let second = &doc["sentences"][1]["actors"];
        let pakistan_rows = second
            .as_array()
            .expect("actors")
            .iter()
            .filter(|a| a["actor"] == "Pakistan")
            .count();
        assert_eq!(pakistan_rows, 0, "{profile}: {second}");
    }
}

#[test]
fn a_view_of_an_unnamed_group_is_the_groups_not_the_narrators() {
    // Rules: author.
    assert_speakers(
        "Iran and the European Union resumed nuclear talks in Vienna on Monday.\n\n\
         Analysts said the European Union was unlikely to ease sanctions on Iran this year.\n",
        &["author", "analysts"],
    );
}

#[test]
fn a_capitalised_common_word_at_a_sentence_start_is_no_person() {
    // Rules: author for the critics' view. The model: a group, never a person named "Critics".
    for profile in ["accurate", "fast"] {
        let doc = classify(
            "Tensions rose in the Andes after Chile closed its border with Bolivia.\n\n\
             Critics of the decision said Chile was punishing Bolivian truck drivers.\n",
            profile,
        );
        let s = &doc["sentences"];
        assert_eq!(s[0]["speaker"], "author", "{profile}");
        let speaker = s[1]["speaker"].as_str().expect("speaker");
        assert!(speaker.starts_with("critics"), "{profile}: {speaker}");
        let kinds: Vec<&str> = s[1]["attributions"]
            .as_array()
            .expect("attributions")
            .iter()
            .filter_map(|a| a["holder_kind"].as_str())
            .collect();
        assert!(kinds.contains(&"group"), "{profile}: {kinds:?}");
    }
}

#[test]
fn every_sentence_lists_its_attributions_with_offsets_into_the_input() {
    let text = "Farmers blocked the main highway into Lima on Monday.\n\n\
                \"We will keep the road closed until the government listens to us,\" said Ana \
                Ruiz of the Andean Farmers Union in Lima.\n";
    let doc = classify(text, "fast");
    let a = &doc["sentences"][1]["attributions"][0];
    assert_eq!(a["holder"], "Ana Ruiz", "{a}");
    assert_eq!(a["holder_kind"], "person");
    assert_eq!(a["content_kind"], "direct");
    for part in ["source", "cue", "content"] {
        let (b, e) = (
            a[part]["start"].as_u64().expect("start") as usize,
            a[part]["end"].as_u64().expect("end") as usize,
        );
        assert_eq!(
            &text[b..e],
            a[part]["text"].as_str().expect("text"),
            "{part}"
        );
    }
    // The rules alone give no attributions block.
    let rules = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args(["classify", "--format", "json", "--speakers", "rules", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().expect("stdin").write_all(text.as_bytes())?;
            c.wait_with_output()
        })
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&rules.stdout).expect("json");
    assert!(doc["sentences"][1].get("attributions").is_none(), "{doc}");
}

#[test]
fn the_fast_profiles_head_trains_on_brat_folders_and_then_attributes() {
    // A few steps on the small brat fixture, over the shipped joint model beside the output.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let models = dir.path().join("models");
    std::fs::create_dir_all(models.join("joint")).unwrap();
    for f in ["manifest.json", "model.safetensors"] {
        std::fs::copy(
            root.join("models/joint").join(f),
            models.join("joint").join(f),
        )
        .unwrap();
    }
    let fixture = root.join("tests/fixtures/brat-small");
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args([
            "train",
            "--task",
            "joint-attribution",
            "--quiet",
            "--max-steps",
            "3",
        ])
        .args(["--eval-every", "2", "--train"])
        .arg(&fixture)
        .arg("--dev")
        .arg(&fixture)
        .arg("--output")
        .arg(models.join("joint-attribution"))
        .arg("--work-dir")
        .arg(dir.path().join("work"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(models.join("joint-attribution/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["task"], "joint-attribution");
    let joint: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(models.join("joint/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["training"]["joint_weights_sha256"],
        joint["weights_sha256"]
    );
    // The fast profile loads it (`--speakers model` insists on a model) and attributes with it.
    let o = Command::new(env!("CARGO_BIN_EXE_standpoint"))
        .args([
            "classify",
            "--profile",
            "fast",
            "--speakers",
            "model",
            "--format",
            "json",
        ])
        .arg("--models-dir")
        .arg(&models)
        .arg(root.join("examples/defence-minister-pact.txt"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(!doc["sentences"].as_array().expect("sentences").is_empty());
}

#[test]
fn a_spokesman_for_the_junta_and_a_quotation_reported_inside_reported_speech() {
    // Before session 14: "spokesman" (a group of that name) and the envoy, the outer holder.
    let text = "BAMAKO (Reuters) - Mali's ruling junta on Friday accused the regional bloc of \
                punishing ordinary people with its new trade sanctions.\n\n\
                \"These sanctions do not hurt soldiers; they hurt farmers in Sikasso,\" a \
                spokesman for the junta said on state television.\n\n\
                Kofi Mensah, the bloc's envoy, said a senior Malian officer had told him last \
                month that \"the army wants elections as much as anyone.\"\n";
    for (profile, got) in ["accurate", "fast"].iter().zip(speakers(text)) {
        assert_eq!(got[1..], ["Mali", "Mali"], "{profile} profile on:\n{text}");
    }
}

#[test]
fn a_colon_headline_named_by_a_campaign_below_it() {
    // Before session 14: the headline was the author's and the campaign was Norway.
    let text = "Norway First: Brussels wants our oil, not our friendship\n\n\
                Norway votes on Sunday on a new trade deal with the European Union.\n\n\
                The Norway First campaign sent supporters an email on Tuesday saying that \
                Brussels would take control of the oil fields.\n";
    // The accurate profile's tagger; the fast profile's head links the third sentence to
    // "supporters" and has no colon headline then.
    let got: Vec<String> = classify(text, "accurate")["sentences"]
        .as_array()
        .expect("sentences")
        .iter()
        .map(|s| s["speaker"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(got, ["Norway First", "author", "Norway First"], "{text}");
}

#[test]
fn holders_who_take_up_what_the_first_said_hold_its_stances() {
    // "A said ..., a charge B and C backed" (guidelines section 4). Before: the model read the
    // clause as part of A's content, so Peru and Argentina were actors of Chile's envoy and
    // held no stance of their own.
    for profile in ["accurate", "fast"] {
        let doc = classify(
            "Water talks between the Andean states opened in Geneva on Monday.\n\n\
             At the talks, Chile's envoy said Bolivia had broken the water treaty, a charge Peru \
             and Argentina backed.\n",
            profile,
        );
        let rows: Vec<(String, String)> = doc["sentences"][1]["actors"]
            .as_array()
            .expect("actors")
            .iter()
            .map(|a| {
                (
                    a["holder"].as_str().unwrap_or_default().to_string(),
                    a["actor"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        for holder in ["Peru", "Argentina"] {
            assert!(
                rows.contains(&(holder.to_string(), "Bolivia".to_string())),
                "{profile}: {rows:?}"
            );
            assert!(
                !rows.iter().any(|(_, actor)| actor == holder),
                "{profile}: {holder} is a holder, not an actor: {rows:?}"
            );
        }
    }
}
