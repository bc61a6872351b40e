// The segmentation cases: (name, input, expected sentences). The splitter's tests run them all,
// and the same table measured the candidate crates (see the `sentences` module docs).
pub(crate) const CASES: &[(&str, &str, &[&str])] = &[
    (
        "plain_periods",
        "The army moved in. The talks collapsed.",
        &["The army moved in.", "The talks collapsed."],
    ),
    (
        "question_and_exclamation",
        "Will they agree? Nobody knows! The vote is on Monday.",
        &[
            "Will they agree?",
            "Nobody knows!",
            "The vote is on Monday.",
        ],
    ),
    (
        "title_after_a_closing_mark_used_as_an_opening_one",
        "The quotes came in. ”Mr. Trump embodies the legacy,” one wrote.",
        &[
            "The quotes came in.",
            "”Mr. Trump embodies the legacy,” one wrote.",
        ],
    ),
    (
        "a_dash_credit_stays_with_its_quotation",
        "“We pay our taxes. We run small firms.” ― Carla Sanchez.\n“He is obsessed with Mexico.” — Esther Tapia.",
        &[
            "“We pay our taxes.",
            "We run small firms.” ― Carla Sanchez.",
            "“He is obsessed with Mexico.” — Esther Tapia.",
        ],
    ),
    (
        "us_mid_sentence",
        "The U.S. military said it would respond.",
        &["The U.S. military said it would respond."],
    ),
    (
        "us_ends_sentence",
        "The sanctions were imposed by the U.S. The move angered Beijing.",
        &[
            "The sanctions were imposed by the U.S.",
            "The move angered Beijing.",
        ],
    ),
    (
        "uk_and_un",
        "The U.K. and the U.N. Security Council met on Friday.",
        &["The U.K. and the U.N. Security Council met on Friday."],
    ),
    (
        "civil_titles",
        "Mr. Khan met Mrs. Sharif, Ms. Bhutto and Dr. Ahmed in the capital.",
        &["Mr. Khan met Mrs. Sharif, Ms. Bhutto and Dr. Ahmed in the capital."],
    ),
    (
        "military_titles",
        "Gen. Asim Munir and Lt. Col. Ali Raza briefed reporters.",
        &["Gen. Asim Munir and Lt. Col. Ali Raza briefed reporters."],
    ),
    (
        "political_titles",
        "Sen. Warren and Rep. Ocasio-Cortez criticised Gov. Abbott.",
        &["Sen. Warren and Rep. Ocasio-Cortez criticised Gov. Abbott."],
    ),
    (
        "prof_and_saint",
        "Prof. Jones spoke at St. Paul's Cathedral on Sunday.",
        &["Prof. Jones spoke at St. Paul's Cathedral on Sunday."],
    ),
    (
        "month_abbreviations",
        "The law took effect on Jan. 1 and was amended on Feb. 15 and Dec. 3.",
        &["The law took effect on Jan. 1 and was amended on Feb. 15 and Dec. 3."],
    ),
    (
        "dateline_with_abbreviated_month",
        "ISLAMABAD, Sept. 20 (Reuters) - Pakistan's army said on Tuesday it had killed 12 \
         militants. The operation continues.",
        &[
            "ISLAMABAD, Sept. 20 (Reuters) - Pakistan's army said on Tuesday it had killed 12 \
             militants.",
            "The operation continues.",
        ],
    ),
    (
        "dateline_without_period",
        "ISLAMABAD, Sept 20 (Reuters) - Pakistan's army said it had killed 12 militants.",
        &["ISLAMABAD, Sept 20 (Reuters) - Pakistan's army said it had killed 12 militants."],
    ),
    (
        "dateline_on_its_own_line",
        "WASHINGTON (AP) —\nThe Senate passed the bill on Friday.",
        &["WASHINGTON (AP) —\nThe Senate passed the bill on Friday."],
    ),
    (
        "number_abbreviation",
        "He returned to No. 10 Downing Street after the vote.",
        &["He returned to No. 10 Downing Street after the vote."],
    ),
    (
        "no_as_a_word",
        "He said no. The deal collapsed.",
        &["He said no.", "The deal collapsed."],
    ),
    (
        "versus",
        "The case, Smith vs. Jones, was heard in March.",
        &["The case, Smith vs. Jones, was heard in March."],
    ),
    (
        "eg_and_ie",
        "Some allies, e.g. France and Germany, objected, i.e. they voted no.",
        &["Some allies, e.g. France and Germany, objected, i.e. they voted no."],
    ),
    (
        "etc_mid_sentence",
        "Tariffs on steel, aluminium, etc. were raised last year.",
        &["Tariffs on steel, aluminium, etc. were raised last year."],
    ),
    (
        "etc_ends_sentence",
        "They discussed trade, security, etc. The talks ended late.",
        &[
            "They discussed trade, security, etc.",
            "The talks ended late.",
        ],
    ),
    (
        "inc_mid_sentence",
        "Apple Inc. said on Monday that sales rose.",
        &["Apple Inc. said on Monday that sales rose."],
    ),
    (
        "inc_ends_sentence",
        "The contract went to Acme Inc. The rival bid was rejected.",
        &[
            "The contract went to Acme Inc.",
            "The rival bid was rejected.",
        ],
    ),
    (
        "ltd_and_co",
        "Tata Sons Ltd. and Ford Motor Co. Chief Executive Jim Farley signed the deal.",
        &["Tata Sons Ltd. and Ford Motor Co. Chief Executive Jim Farley signed the deal."],
    ),
    (
        "initials_tolkien",
        "The books of J. R. R. Tolkien remain popular.",
        &["The books of J. R. R. Tolkien remain popular."],
    ),
    (
        "middle_initials",
        "George W. Bush met Franklin D. Roosevelt's biographer.",
        &["George W. Bush met Franklin D. Roosevelt's biographer."],
    ),
    (
        "initial_that_is_a_starter_word",
        "The report by J. A. Smith was published.",
        &["The report by J. A. Smith was published."],
    ),
    (
        "decimal_percent",
        "Inflation rose 3.5 percent in May. Prices are still climbing.",
        &[
            "Inflation rose 3.5 percent in May.",
            "Prices are still climbing.",
        ],
    ),
    (
        "money",
        "The IMF approved a $1.2 billion loan. The rupee rallied.",
        &[
            "The IMF approved a $1.2 billion loan.",
            "The rupee rallied.",
        ],
    ),
    (
        "year_ends_sentence",
        "The party won in 2018. It lost power in 2022.",
        &["The party won in 2018.", "It lost power in 2022."],
    ),
    (
        "digit_starts_next_sentence",
        "The vote was 52 to 48. 2024 will be different.",
        &["The vote was 52 to 48.", "2024 will be different."],
    ),
    (
        "ellipsis_then_lowercase",
        "We will see... maybe next year.",
        &["We will see... maybe next year."],
    ),
    (
        "ellipsis_then_capital",
        "We will see... Nobody can say for sure.",
        &["We will see...", "Nobody can say for sure."],
    ),
    (
        "unicode_ellipsis",
        "He paused… Then he left the room.",
        &["He paused…", "Then he left the room."],
    ),
    (
        "ellipsis_inside_quote",
        "\"The plan ... will fail,\" he said.",
        &["\"The plan ... will fail,\" he said."],
    ),
    (
        "quote_with_two_sentences",
        "\"We will win. They will lose,\" he said.",
        &["\"We will win.", "They will lose,\" he said."],
    ),
    (
        "curly_quote_with_two_sentences",
        "“We will win. They will lose,” he said.",
        &["“We will win.", "They will lose,” he said."],
    ),
    (
        "closing_quote_stays_with_period",
        "He said, \"We will win.\" Then he left.",
        &["He said, \"We will win.\"", "Then he left."],
    ),
    (
        "curly_closing_quote_stays_with_period",
        "She said, “The talks have failed.” Officials declined to comment.",
        &[
            "She said, “The talks have failed.”",
            "Officials declined to comment.",
        ],
    ),
    (
        "question_in_quote_then_lowercase",
        "\"Why now?\" he asked.",
        &["\"Why now?\" he asked."],
    ),
    (
        "exclamation_in_quote",
        "“Enough!” she shouted. The crowd cheered.",
        &["“Enough!” she shouted.", "The crowd cheered."],
    ),
    (
        "single_quotes",
        "He called it 'a disgrace.' The minister resigned.",
        &["He called it 'a disgrace.'", "The minister resigned."],
    ),
    (
        "parenthesised_sentence",
        "Turnout was low. (Officials blamed the heat.) Results are due Friday.",
        &[
            "Turnout was low.",
            "(Officials blamed the heat.)",
            "Results are due Friday.",
        ],
    ),
    (
        "colon_opens_quote",
        "The minister said: \"We will not back down.\" He left.",
        &["The minister said: \"We will not back down.\"", "He left."],
    ),
    (
        "colon_then_quote_on_next_line",
        "The minister said:\n\"We will not back down.\"",
        &["The minister said:\n\"We will not back down.\""],
    ),
    (
        "colon_mid_sentence",
        "The result: a landslide for the opposition.",
        &["The result: a landslide for the opposition."],
    ),
    (
        "headline_without_period",
        "Pakistan army kills 12 militants\nThe army said on Tuesday it had killed 12 militants.",
        &[
            "Pakistan army kills 12 militants",
            "The army said on Tuesday it had killed 12 militants.",
        ],
    ),
    (
        "headline_then_blank_line",
        "Floods displace thousands\n\nHeavy rain has displaced thousands of people.",
        &[
            "Floods displace thousands",
            "Heavy rain has displaced thousands of people.",
        ],
    ),
    (
        "headline_question",
        "Will Pakistan default?\nThe IMF says no.",
        &["Will Pakistan default?", "The IMF says no."],
    ),
    (
        "subheading",
        "The first round is over.\n\nWhat Happens Next\n\nThe vote is on Monday.",
        &[
            "The first round is over.",
            "What Happens Next",
            "The vote is on Monday.",
        ],
    ),
    (
        "wrapped_line_lowercase_continuation",
        "The minister said that the\nvote would go ahead on Monday.",
        &["The minister said that the\nvote would go ahead on Monday."],
    ),
    (
        "wrapped_line_ending_in_function_word",
        "Officials met with\nPakistan's foreign minister.",
        &["Officials met with\nPakistan's foreign minister."],
    ),
    (
        "title_at_line_end",
        "The operation was led by Gen.\nMunir, officials said.",
        &["The operation was led by Gen.\nMunir, officials said."],
    ),
    (
        "dash_list",
        "The demands:\n- End the curfew\n- Release prisoners\n- Hold elections",
        &[
            "The demands:",
            "End the curfew",
            "Release prisoners",
            "Hold elections",
        ],
    ),
    (
        "numbered_list",
        "1. The army withdraws.\n2. The rebels disarm.\n3) Talks begin",
        &["The army withdraws.", "The rebels disarm.", "Talks begin"],
    ),
    (
        "bullet_list",
        "• Inflation at 30%\n* Rupee at record low",
        &["Inflation at 30%", "Rupee at record low"],
    ),
    (
        "blank_line_always_ends_sentence",
        "The talks ended without\n\nagreement on Friday.",
        &["The talks ended without", "agreement on Friday."],
    ),
    (
        "url_at_sentence_end",
        "Read the report at https://www.example.com/report.html. It was published today.",
        &[
            "Read the report at https://www.example.com/report.html.",
            "It was published today.",
        ],
    ),
    (
        "url_mid_sentence",
        "See www.gov.pk/news?id=3.5&x=Y for details.",
        &["See www.gov.pk/news?id=3.5&x=Y for details."],
    ),
    (
        "email_at_sentence_end",
        "Contact press.office@un.org. A spokesman will reply.",
        &["Contact press.office@un.org.", "A spokesman will reply."],
    ),
    (
        "email_mid_sentence",
        "Write to j.smith@example.co.uk for the full text.",
        &["Write to j.smith@example.co.uk for the full text."],
    ),
    (
        "am_pm_mid_sentence",
        "Polls open at 8 a.m. and close at 5 p.m. on Sunday.",
        &["Polls open at 8 a.m. and close at 5 p.m. on Sunday."],
    ),
    (
        "pm_ends_sentence",
        "Polls close at 5 p.m. The count begins at once.",
        &["Polls close at 5 p.m.", "The count begins at once."],
    ),
    (
        "dc_mid_sentence",
        "He flew to Washington, D.C. on Monday.",
        &["He flew to Washington, D.C. on Monday."],
    ),
    (
        "phd",
        "She holds a Ph.D. in economics.",
        &["She holds a Ph.D. in economics."],
    ),
    (
        "jr_mid_and_end",
        "Martin Luther King Jr. spoke here. The speech was by Martin Luther King Jr. It changed \
         history.",
        &[
            "Martin Luther King Jr. spoke here.",
            "The speech was by Martin Luther King Jr.",
            "It changed history.",
        ],
    ),
    (
        "interrobang",
        "Really?! That is what he said.",
        &["Really?!", "That is what he said."],
    ),
    (
        "semicolon_does_not_split",
        "The army advanced; the rebels retreated.",
        &["The army advanced; the rebels retreated."],
    ),
    (
        "crlf_line_endings",
        "First line.\r\nSecond line.",
        &["First line.", "Second line."],
    ),
    (
        "quote_then_parenthesis",
        "Officials said the plan was \"dead.\" (It was later revived.)",
        &[
            "Officials said the plan was \"dead.\"",
            "(It was later revived.)",
        ],
    ),
    (
        "emoji_after_exclamation",
        "Great result! 🎉 The team celebrated.",
        &["Great result!", "🎉 The team celebrated."],
    ),
    (
        "accented_names",
        "Mr. Macron met José Álvarez in Zürich. Both spoke to reporters.",
        &[
            "Mr. Macron met José Álvarez in Zürich.",
            "Both spoke to reporters.",
        ],
    ),
];
