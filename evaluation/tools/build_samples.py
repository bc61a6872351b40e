#!/usr/bin/env python3
"""Generator and validator for the project's own annotated samples.

All documents below are invented for this project (no real article text, no dataset rows).
Every person named in them is fictional. The data is written as Python literals and turned
into evaluation/samples/{dev,test,summaries}.jsonl; the script refuses to write anything
if a check fails. Run from anywhere:

    python3 evaluation/tools/build_samples.py          # build + validate
    python3 evaluation/tools/build_samples.py --check  # validate the files on disk only
    python3 evaluation/tools/build_samples.py --stats  # print the counts used in README.md

Notation inside DOCS:
  D(doc_id, split, domain, [sentence, ...])
  S(text, row, row, ...)   -- a sentence; no rows means it mentions no actor (kept for context)
  row = (speaker, actor, mention, stance, sentiment)
        stance:    "F" favor, "A" against, "N" neutral
        sentiment: "+" positive, "-" negative, "0" neutral
"""
import json
import sys
from collections import Counter, OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples"
STANCE = {"F": "favor", "A": "against", "N": "neutral"}
SENT = {"+": "positive", "-": "negative", "0": "neutral"}
KEYS = ["id", "doc", "text", "context", "speaker", "actor", "mention", "stance", "sentiment"]
AUTHOR = "author"


def S(text, *rows):
    return (text, list(rows))


def D(doc, split, domain, sentences):
    return {"doc": doc, "split": split, "domain": domain, "sentences": sentences}


DOCS = []

# --------------------------------------------------------------------------------------------
# dev documents
# --------------------------------------------------------------------------------------------
DOCS += [
D("d01", "dev", "intl:defence-pact", [
    S("Indonesian Defence Minister Arif Santoso on Tuesday praised a new maritime security pact with Malaysia, calling it a turning point for the region.",
      ("Arif Santoso", "Malaysia", "Malaysia", "F", "+"),
      ("author", "Malaysia", "Malaysia", "N", "0")),
    S("\"Our agreement with Kuala Lumpur shows what two neighbours can achieve when they trust each other,\" Santoso told reporters in Jakarta.",
      ("Arif Santoso", "Malaysia", "Kuala Lumpur", "F", "+")),
    S("He called on all members of ASEAN to show unity and to settle their disputes among themselves.",
      ("Arif Santoso", "ASEAN", "ASEAN", "F", "+"),
      ("author", "ASEAN", "ASEAN", "N", "0")),
    S("\"We cannot accept that Chinese coast guard ships keep entering waters that do not belong to them,\" the minister added.",
      ("Arif Santoso", "China", "Chinese coast guard", "A", "-")),
    S("According to the Antara news agency, the pact commits the Indonesian and Malaysian navies to joint patrols in the Strait of Malacca starting next year.",
      ("author", "Indonesia", "Indonesian", "N", "0"),
      ("author", "Malaysia", "Malaysian", "N", "0")),
    S("Antara also reported that Malaysian officials welcomed the agreement with Jakarta as a sign of a mature partnership.",
      ("Malaysia", "Indonesia", "Jakarta", "F", "+"),
      ("author", "Indonesia", "Jakarta", "N", "0")),
    S("A spokesman for China's foreign ministry said Beijing respected the sovereignty of its neighbours, but warned Jakarta against listening to voices that seek to stir up tension.",
      ("China", "Indonesia", "Jakarta", "A", "-"),
      ("author", "Indonesia", "Jakarta", "N", "0")),
    S("Philippine officials, who have raised similar complaints, said they were studying the pact and did not rule out seeking a similar arrangement with Indonesia.",
      ("Philippines", "Indonesia", "Indonesia", "N", "0"),
      ("author", "Indonesia", "Indonesia", "N", "0")),
]),
D("d02", "dev", "intl:news-agency", [
    S("Iran's foreign ministry on Sunday condemned the Zionist regime over a strike on a convoy near the Syrian border, according to IRNA.",
      ("Iran", "Israel", "the Zionist regime", "A", "-"),
      ("author", "Israel", "the Zionist regime", "N", "0")),
    S("Spokesman Reza Karimi told the agency that \"the crimes of the occupiers will not go unanswered.\"",
      ("Reza Karimi", "Israel", "the occupiers", "A", "-")),
    S("He also accused Washington of giving the regime political cover at the United Nations.",
      ("Reza Karimi", "United States", "Washington", "A", "-"),
      ("Reza Karimi", "Israel", "the regime", "A", "-"),
      ("Reza Karimi", "United Nations", "the United Nations", "N", "-"),
      ("author", "United States", "Washington", "N", "0"),
      ("author", "Israel", "the regime", "N", "0")),
    S("Karimi said Tehran welcomed the position of Iraq, which he described as brave and principled.",
      ("Reza Karimi", "Iraq", "Iraq", "F", "+"),
      ("author", "Iraq", "Iraq", "N", "0")),
    S("Israel's military declined to comment on the report.",
      ("author", "Israel", "Israel", "N", "0")),
    S("IRNA said the convoy had been carrying medical supplies, a claim that could not be independently verified."),
    S("Qatar and Oman urged Tehran and Israel to avoid any step that could widen the conflict.",
      ("Qatar", "Iran", "Tehran", "N", "0"),
      ("Qatar", "Israel", "Israel", "N", "0"),
      ("Oman", "Iran", "Tehran", "N", "0"),
      ("Oman", "Israel", "Israel", "N", "0"),
      ("author", "Iran", "Tehran", "N", "0"),
      ("author", "Israel", "Israel", "N", "0")),
]),
D("d03", "dev", "intl:alliance", [
    S("NATO Secretary General Lena Vestergaard opened the alliance's summit in Vilnius on Wednesday with a warning that Russia remained the most serious threat to European security.",
      ("Lena Vestergaard", "Russia", "Russia", "A", "-"),
      ("author", "Russia", "Russia", "N", "0")),
    S("\"Moscow is still trying to redraw borders by force, and we will not let it,\" she said.",
      ("Lena Vestergaard", "Russia", "Moscow", "A", "-")),
    S("She praised Finland and Sweden for raising defence spending faster than the alliance requires.",
      ("Lena Vestergaard", "Finland", "Finland", "F", "+"),
      ("Lena Vestergaard", "Sweden", "Sweden", "F", "+"),
      ("author", "Finland", "Finland", "N", "0"),
      ("author", "Sweden", "Sweden", "N", "0")),
    S("Hungarian Prime Minister Gabor Fekete said his government was not against further aid to Ukraine in principle, but wanted guarantees on how it would be spent.",
      ("Gabor Fekete", "Ukraine", "Ukraine", "N", "0"),
      ("author", "Ukraine", "Ukraine", "N", "0")),
    S("Diplomats said Fekete's position had frustrated several allies, although none criticised him publicly.",
      ("author", "Gabor Fekete", "Fekete", "N", "0")),
    S("In Moscow, Kremlin spokesman Pavel Orlov dismissed the NATO meeting as a gathering of countries that obey Washington.",
      ("Pavel Orlov", "NATO", "NATO", "A", "-"),
      ("Pavel Orlov", "United States", "Washington", "A", "-"),
      ("author", "NATO", "NATO", "N", "0"),
      ("author", "United States", "Washington", "N", "0")),
    S("He added that Russia was not against dialogue with the European Union, provided Brussels dropped its sanctions first.",
      ("Pavel Orlov", "European Union", "the European Union", "N", "0"),
      ("author", "European Union", "the European Union", "N", "0")),
]),
D("d04", "dev", "beyond:company-regulator", [
    S("The European Commission on Thursday fined the cloud software group Nexora 1.2 billion euros for tying its storage service to its office products.",
      ("author", "European Union", "The European Commission", "N", "0"),
      ("author", "Nexora", "Nexora", "N", "0")),
    S("\"Nexora abused its dominance to lock customers in, and that harmed thousands of European businesses,\" Competition Commissioner Margit Halvorsen said.",
      ("Margit Halvorsen", "Nexora", "Nexora", "A", "-")),
    S("Halvorsen added that the company had cooperated with the investigation in its final stages, which reduced the fine.",
      ("Margit Halvorsen", "Nexora", "the company", "F", "+"),
      ("author", "Nexora", "the company", "N", "0")),
    S("Nexora said the Commission had misunderstood how the cloud market works and that it would appeal.",
      ("Nexora", "European Union", "the Commission", "A", "-"),
      ("author", "European Union", "the Commission", "N", "0")),
    S("\"We respect the Commission's role, but this ruling punishes innovation,\" a company spokeswoman told reporters.",
      ("Nexora", "European Union", "the Commission", "A", "-")),
    S("Consumer group BEUC welcomed the fine against Nexora and urged regulators in Washington to examine similar practices.",
      ("BEUC", "Nexora", "Nexora", "A", "+"),
      ("BEUC", "United States", "Washington", "N", "+"),
      ("author", "Nexora", "Nexora", "N", "0"),
      ("author", "United States", "Washington", "N", "0")),
    S("Shares in Nexora fell 3 percent in Frankfurt trading.",
      ("author", "Nexora", "Nexora", "N", "0")),
]),
D("d05", "dev", "beyond:election", [
    S("Incumbent mayor Sofia Marques and challenger Duarte Lopes clashed on Tuesday night over housing costs in their only televised debate.",
      ("author", "Sofia Marques", "Sofia Marques", "N", "0"),
      ("author", "Duarte Lopes", "Duarte Lopes", "N", "0")),
    S("\"My opponent has had eight years of promises and not one affordable flat to show for them,\" Lopes said.",
      ("Duarte Lopes", "Sofia Marques", "My opponent", "A", "-")),
    S("Marques replied that Lopes had voted against every housing budget she brought before the council.",
      ("Sofia Marques", "Duarte Lopes", "Lopes", "A", "-"),
      ("author", "Duarte Lopes", "Lopes", "N", "0")),
    S("She did, however, praise his party, the Green Left, for backing her tenant-protection law last year.",
      ("Sofia Marques", "Green Left", "the Green Left", "F", "+"),
      ("author", "Green Left", "the Green Left", "N", "0")),
    S("Lopes did not rule out a coalition with the Socialists if no party wins a majority.",
      ("Duarte Lopes", "Socialist Party", "the Socialists", "N", "0"),
      ("author", "Socialist Party", "the Socialists", "N", "0")),
    S("A poll published on Monday put Marques three points ahead.",
      ("author", "Sofia Marques", "Marques", "N", "0")),
    S("\"Duarte speaks well, but the voters know who delivered and who only talked,\" Marques said after the debate.",
      ("Sofia Marques", "Duarte Lopes", "Duarte", "A", "-")),
]),
D("d06", "dev", "beyond:climate", [
    S("Negotiators at the climate conference in Belem worked through the night on Friday as talks on phasing out fossil fuels stalled."),
    S("The Alliance of Small Island States accused Saudi Arabia of blocking any reference to phasing out oil and gas in the final text.",
      ("Alliance of Small Island States", "Saudi Arabia", "Saudi Arabia", "A", "-"),
      ("author", "Saudi Arabia", "Saudi Arabia", "N", "0")),
    S("\"Our islands are disappearing while Riyadh protects its profits,\" said Mele Fonua, the Tuvaluan envoy who chairs the group.",
      ("Mele Fonua", "Saudi Arabia", "Riyadh", "A", "-")),
    S("Saudi delegate Faisal Al-Harbi said the kingdom was not opposed to cutting emissions, but that the European Union was trying to dictate energy choices to poorer nations.",
      ("Faisal Al-Harbi", "European Union", "the European Union", "A", "-"),
      ("author", "European Union", "the European Union", "N", "0")),
    S("EU climate commissioner Henrik Dahl said he respected Riyadh's concerns but regretted that the kingdom's delegation kept reopening language that had already been agreed.",
      ("Henrik Dahl", "Saudi Arabia", "Riyadh", "A", "-"),
      ("author", "Saudi Arabia", "Riyadh", "N", "0")),
    S("China and India said they could support compromise wording proposed by Brazil, the host country.",
      ("China", "Brazil", "Brazil", "F", "+"),
      ("India", "Brazil", "Brazil", "F", "+"),
      ("author", "Brazil", "Brazil", "N", "0")),
    S("Climate activists staged a silent protest outside the plenary hall, holding photographs of flooded villages."),
    S("The Brazilian presidency said a new draft would be published by noon on Saturday."),
]),
D("d07", "dev", "intl:war", [
    S("Ukrainian Defence Minister Oleh Marchenko thanked Germany on Monday for delivering two more air defence systems, saying they would save civilian lives.",
      ("Oleh Marchenko", "Germany", "Germany", "F", "+"),
      ("author", "Germany", "Germany", "N", "0")),
    S("\"Berlin has become one of our most reliable partners, and we will not forget it,\" he said at a news conference in Kyiv.",
      ("Oleh Marchenko", "Germany", "Berlin", "F", "+")),
    S("Marchenko said Russian missile strikes had killed at least 14 people in Kharkiv over the weekend.",
      ("Oleh Marchenko", "Russia", "Russian", "A", "-"),
      ("author", "Russia", "Russian", "N", "-")),
    S("He urged Hungary to stop delaying the European Union's next aid package, calling the holdup regrettable and hard to understand.",
      ("Oleh Marchenko", "Hungary", "Hungary", "A", "-"),
      ("Oleh Marchenko", "European Union", "the European Union", "N", "-"),
      ("author", "Hungary", "Hungary", "N", "0"),
      ("author", "European Union", "the European Union", "N", "0")),
    S("Budapest said it was not against helping Ukraine, but insisted that aid must not drag the continent into a wider war.",
      ("Hungary", "Ukraine", "Ukraine", "N", "0"),
      ("author", "Ukraine", "Ukraine", "N", "0")),
    S("The Kremlin did not respond to a request for comment.",
      ("author", "Russia", "The Kremlin", "N", "0")),
    S("According to Ukraine's air force, 38 of the 42 drones launched overnight were shot down."),
]),
D("d08", "dev", "beyond:sports", [
    S("The World Anti-Doping Agency on Wednesday suspended the Pan-Pacific Weightlifting Union's testing programme after auditors found hundreds of missing samples.",
      ("author", "WADA", "The World Anti-Doping Agency", "N", "0"),
      ("author", "Pan-Pacific Weightlifting Union", "the Pan-Pacific Weightlifting Union", "N", "0")),
    S("\"Athletes deserve to know that their rivals are tested properly, and right now the union cannot guarantee that,\" WADA president Ingrid Solberg said.",
      ("Ingrid Solberg", "Pan-Pacific Weightlifting Union", "the union", "A", "-")),
    S("The union's president, Tomasi Vaka, called the decision an overreaction and accused WADA of targeting small federations.",
      ("Tomasi Vaka", "WADA", "WADA", "A", "-"),
      ("author", "WADA", "WADA", "N", "0")),
    S("Vaka said he was not against strict testing and never had been, but that the agency had ignored how small the union's budget was.",
      ("Tomasi Vaka", "WADA", "the agency", "A", "-"),
      ("author", "WADA", "the agency", "N", "0")),
    S("The International Olympic Committee said it supported WADA's decision and would review the union's status before the next Games.",
      ("IOC", "WADA", "WADA", "F", "0"),
      ("IOC", "Pan-Pacific Weightlifting Union", "the union", "N", "0"),
      ("author", "WADA", "WADA", "N", "0"),
      ("author", "Pan-Pacific Weightlifting Union", "the union", "N", "0")),
    S("Several lifters said on social media that they felt punished for mistakes made by officials."),
    S("The suspension will remain in place until an independent audit is completed."),
]),
D("d09", "dev", "intl:territorial-dispute", [
    S("The Philippines accused China's coast guard on Saturday of firing water cannon at a supply boat near Second Thomas Shoal, injuring three crew members.",
      ("Philippines", "China", "China's coast guard", "A", "-"),
      ("author", "China", "China's coast guard", "N", "-")),
    S("\"Beijing keeps saying it wants peace, but this is not how a responsible neighbour behaves,\" National Security Council spokesman Jonathan Reyes told reporters in Manila.",
      ("Jonathan Reyes", "China", "Beijing", "A", "-")),
    S("China's foreign ministry said the Philippine vessel had illegally intruded into Chinese waters and that the coast guard had acted professionally.",
      ("China", "Philippines", "Philippine", "A", "-"),
      ("author", "Philippines", "Philippine", "N", "0")),
    S("The United States said it stood with its ally and reminded Beijing of its obligations under international law.",
      ("United States", "Philippines", "its ally", "F", "-"),
      ("United States", "China", "Beijing", "A", "-"),
      ("author", "Philippines", "its ally", "N", "0"),
      ("author", "China", "Beijing", "N", "0")),
    S("Japan and Australia also expressed concern, while the regional bloc's current chair called on both sides to show restraint."),
    S("Manila has filed more than 30 diplomatic protests with Beijing this year.",
      ("author", "Philippines", "Manila", "N", "0"),
      ("author", "China", "Beijing", "N", "0")),
]),
]

DOCS += [
D("d10", "dev", "intl:summit", [
    S("South Korean President Park Yoon-ho arrived in Tokyo on Friday for talks with Japanese Prime Minister Kenji Arakawa, the first such visit in three years.",
      ("author", "Park Yoon-ho", "Park Yoon-ho", "N", "0"),
      ("author", "Kenji Arakawa", "Kenji Arakawa", "N", "0")),
    S("\"Japan is not just our neighbour but our partner, and Prime Minister Arakawa has shown real courage in reaching out,\" Park told a joint news conference.",
      ("Park Yoon-ho", "Japan", "Japan", "F", "+"),
      ("Park Yoon-ho", "Kenji Arakawa", "Prime Minister Arakawa", "F", "+")),
    S("Arakawa said he was grateful for the bold and sincere steps Seoul had taken to settle the dispute over wartime labour.",
      ("Kenji Arakawa", "South Korea", "Seoul", "F", "+"),
      ("author", "South Korea", "Seoul", "N", "0")),
    S("Both leaders condemned North Korea's latest missile launch, which Park called a reckless provocation.",
      ("Park Yoon-ho", "North Korea", "North Korea", "A", "-"),
      ("Kenji Arakawa", "North Korea", "North Korea", "A", "-"),
      ("author", "North Korea", "North Korea", "N", "0")),
    S("\"Pyongyang should understand that every launch only brings Tokyo and Seoul closer together,\" Arakawa added.",
      ("Kenji Arakawa", "North Korea", "Pyongyang", "A", "-"),
      ("Kenji Arakawa", "South Korea", "Seoul", "F", "-")),
    S("Park also thanked the United States for hosting joint exercises, saying Washington's commitment to the region was beyond doubt.",
      ("Park Yoon-ho", "United States", "the United States", "F", "+"),
      ("author", "United States", "the United States", "N", "0")),
    S("China's foreign ministry said it hoped Tokyo and Seoul would not join an exclusive bloc aimed at third parties.",
      ("China", "Japan", "Tokyo", "A", "0"),
      ("China", "South Korea", "Seoul", "A", "0"),
      ("author", "Japan", "Tokyo", "N", "0"),
      ("author", "South Korea", "Seoul", "N", "0")),
]),
D("d11", "dev", "beyond:party", [
    S("Former finance minister Clara Engel endorsed the Civic Union's candidate Jonas Weber on Sunday, a week before the regional election.",
      ("Clara Engel", "Jonas Weber", "Jonas Weber", "F", "+"),
      ("Clara Engel", "Civic Union", "the Civic Union", "F", "+"),
      ("author", "Jonas Weber", "Jonas Weber", "N", "0"),
      ("author", "Civic Union", "the Civic Union", "N", "0")),
    S("\"Jonas is the most honest politician I have worked with, and this region needs him,\" Engel said at a rally in Hanover.",
      ("Clara Engel", "Jonas Weber", "Jonas", "F", "+")),
    S("The endorsement is a setback for the New Centre, which had hoped Engel would stay out of the race.",
      ("author", "New Centre", "the New Centre", "N", "0"),
      ("author", "Clara Engel", "Engel", "N", "0")),
    S("New Centre leader Martin Roth said he respected Engel's choice but that endorsements do not build hospitals.",
      ("Martin Roth", "Clara Engel", "Engel", "A", "-"),
      ("author", "Clara Engel", "Engel", "N", "0")),
    S("Roth accused Weber of copying his party's transport plan, but praised the Civic Union for refusing to cooperate with the far right.",
      ("Martin Roth", "Jonas Weber", "Weber", "A", "0"),
      ("Martin Roth", "Civic Union", "the Civic Union", "F", "0"),
      ("author", "Jonas Weber", "Weber", "N", "0"),
      ("author", "Civic Union", "the Civic Union", "N", "0")),
    S("A survey published on Friday showed the Civic Union at 31 percent and the New Centre at 27 percent.",
      ("author", "Civic Union", "the Civic Union", "N", "0"),
      ("author", "New Centre", "the New Centre", "N", "0")),
    S("\"We will win this in the last week, door by door,\" Weber told supporters."),
]),
D("d12", "dev", "intl:mediation", [
    S("EU envoy Tomas Lindqvist said on Monday that Serbia and Kosovo had made genuine progress on vehicle licence plates during talks in Brussels.",
      ("Tomas Lindqvist", "Serbia", "Serbia", "F", "+"),
      ("Tomas Lindqvist", "Kosovo", "Kosovo", "F", "+"),
      ("author", "Serbia", "Serbia", "N", "0"),
      ("author", "Kosovo", "Kosovo", "N", "0")),
    S("\"I want to thank both delegations, and Belgrade in particular, for showing flexibility on the hardest issue,\" Lindqvist said.",
      ("Tomas Lindqvist", "Serbia", "Belgrade", "F", "+")),
    S("He added that Pristina had been a little slow to carry out earlier commitments on Serb-majority municipalities.",
      ("Tomas Lindqvist", "Kosovo", "Pristina", "A", "-"),
      ("author", "Kosovo", "Pristina", "N", "0")),
    S("Kosovo's prime minister, Arben Krasniqi, rejected the criticism and said the European Union was putting pressure only on the smaller side.",
      ("Arben Krasniqi", "European Union", "the European Union", "A", "-"),
      ("author", "European Union", "the European Union", "N", "0")),
    S("\"Brussels should treat us as a partner, not as a problem to be managed,\" he said.",
      ("Arben Krasniqi", "European Union", "Brussels", "A", "-")),
    S("Serbian President Dragan Petrovic welcomed the envoy's remarks and said Belgrade had never been against a fair deal.",
      ("Dragan Petrovic", "Tomas Lindqvist", "the envoy", "F", "+"),
      ("author", "Tomas Lindqvist", "the envoy", "N", "0")),
    S("Russia's foreign ministry called the talks a Western attempt to pressure Serbia, a claim Belgrade did not address.",
      ("Russia", "the West", "Western", "A", "-"),
      ("Russia", "Serbia", "Serbia", "N", "-"),
      ("author", "the West", "Western", "N", "0"),
      ("author", "Serbia", "Serbia", "N", "0")),
]),
D("d13", "dev", "beyond:protest", [
    S("Thousands of farmers drove tractors into central Brussels on Thursday to protest against European Union rules on fertiliser use.",
      ("author", "European Union", "European Union", "N", "0")),
    S("\"The Commission writes rules in offices and never asks the people who feed this continent,\" said Pieter de Vries, a dairy farmer who leads the Farmers' Front.",
      ("Pieter de Vries", "European Union", "The Commission", "A", "-")),
    S("Police used water cannon after protesters set fire to tyres near the European Parliament, and two officers were injured."),
    S("De Vries said the farmers were not against protecting nature, but that Brussels had ignored what the rules would do to small family farms.",
      ("Pieter de Vries", "European Union", "Brussels", "A", "-"),
      ("author", "European Union", "Brussels", "N", "0")),
    S("Agriculture Commissioner Ana Ribeiro said she understood the anger and praised the Farmers' Front for agreeing to talks next week.",
      ("Ana Ribeiro", "Farmers' Front", "the Farmers' Front", "F", "+"),
      ("author", "Farmers' Front", "the Farmers' Front", "N", "0")),
    S("\"Violence helps nobody, but the message has been heard,\" Ribeiro told reporters."),
    S("The Dutch agriculture minister backed the protesters, while Denmark criticised the Farmers' Front over the violence.",
      ("Netherlands", "Farmers' Front", "the protesters", "F", "+"),
      ("Denmark", "Farmers' Front", "the Farmers' Front", "A", "-"),
      ("author", "Farmers' Front", "the protesters", "N", "0")),
]),
D("d14", "dev", "intl:trade", [
    S("The United States on Tuesday raised tariffs on Chinese steel and aluminium to 50 percent, citing overcapacity.",
      ("author", "United States", "The United States", "N", "0"),
      ("author", "China", "Chinese", "N", "0")),
    S("\"Beijing floods the world with cheap metal and American workers pay the price,\" Commerce Secretary Dana Whitfield said in a statement.",
      ("Dana Whitfield", "China", "Beijing", "A", "-")),
    S("China's commerce ministry said the measure broke World Trade Organization rules and vowed to take all necessary countermeasures against Washington.",
      ("China", "United States", "Washington", "A", "-"),
      ("China", "WTO", "World Trade Organization", "N", "-"),
      ("author", "United States", "Washington", "N", "0"),
      ("author", "WTO", "World Trade Organization", "N", "0")),
    S("Mexico and Canada, which are exempt under a regional trade deal, welcomed Washington's decision to spare North American producers.",
      ("Mexico", "United States", "Washington", "F", "+"),
      ("Canada", "United States", "Washington", "F", "+"),
      ("author", "United States", "Washington", "N", "0")),
    S("Canadian trade minister Elise Fortin said the exemption showed \"the strength of our partnership with the United States,\" but warned that the tariffs could slow global growth.",
      ("Elise Fortin", "United States", "the United States", "F", "0")),
    S("The European Union said it was studying the measure and did not rule out a response."),
    S("Shares in Chinese steelmakers fell sharply in Hong Kong on Wednesday."),
]),
D("d15", "dev", "beyond:sports", [
    S("Supporters of Harbour City FC marched to the club's stadium on Saturday to protest against a planned takeover by the investment fund Calder Capital.",
      ("author", "Harbour City FC", "Harbour City FC", "N", "0"),
      ("author", "Calder Capital", "Calder Capital", "N", "0")),
    S("\"Calder sees our club as a spreadsheet, not a community,\" said Niamh Doyle, chair of the Harbour City Supporters' Trust.",
      ("Niamh Doyle", "Calder Capital", "Calder", "A", "-")),
    S("Doyle praised the Premier League for delaying its ownership test while questions about the fund's finances are answered.",
      ("Niamh Doyle", "Premier League", "the Premier League", "F", "+"),
      ("Niamh Doyle", "Calder Capital", "the fund", "A", "+"),
      ("author", "Premier League", "the Premier League", "N", "0"),
      ("author", "Calder Capital", "the fund", "N", "0")),
    S("Calder Capital said it was deeply committed to the club and promised to keep ticket prices frozen for three seasons.",
      ("Calder Capital", "Harbour City FC", "the club", "F", "+"),
      ("author", "Harbour City FC", "the club", "N", "0")),
    S("Club chairman Graham Holt, who backs the sale, said the protesters \"love this club as much as anyone\" but were wrong about the buyers.",
      ("Graham Holt", "Harbour City Supporters' Trust", "the protesters", "A", "0"),
      ("Graham Holt", "Calder Capital", "the buyers", "F", "0"),
      ("author", "Harbour City Supporters' Trust", "the protesters", "N", "0"),
      ("author", "Calder Capital", "the buyers", "N", "0")),
    S("Local MP Rachel Simmonds said she would raise the takeover in parliament."),
]),
D("d16", "dev", "intl:war", [
    S("The African Union on Wednesday welcomed a 72-hour truce between Sudan's army and the Rapid Support Forces, urging both to turn it into a lasting ceasefire.",
      ("African Union", "Sudanese Armed Forces", "Sudan's army", "N", "+"),
      ("African Union", "Rapid Support Forces", "the Rapid Support Forces", "N", "+"),
      ("author", "Sudanese Armed Forces", "Sudan's army", "N", "0"),
      ("author", "Rapid Support Forces", "the Rapid Support Forces", "N", "0")),
    S("\"This truce is fragile, but it is the first real opening in months,\" AU Commission chairman Moussa Diallo said."),
    S("Egypt praised Saudi Arabia and the United States for brokering the deal in Jeddah.",
      ("Egypt", "Saudi Arabia", "Saudi Arabia", "F", "+"),
      ("Egypt", "United States", "the United States", "F", "+"),
      ("author", "Saudi Arabia", "Saudi Arabia", "N", "0"),
      ("author", "United States", "the United States", "N", "0")),
    S("The army accused the RSF of looting hospitals in Khartoum within hours of the truce taking effect.",
      ("Sudanese Armed Forces", "Rapid Support Forces", "the RSF", "A", "-"),
      ("author", "Rapid Support Forces", "the RSF", "N", "0")),
    S("An RSF spokesman denied the claim, said the group had never been against peace and blamed army airstrikes for the latest deaths.",
      ("Rapid Support Forces", "Sudanese Armed Forces", "army", "A", "-"),
      ("author", "Sudanese Armed Forces", "army", "N", "0")),
    S("Aid groups said at least 200 civilians had been killed in El Fasher in the past week."),
    S("The United Nations said its convoys were still waiting for permission to cross from Chad."),
]),
D("d17", "dev", "beyond:company-regulator", [
    S("Britain's Competition and Markets Authority on Monday cleared the 9 billion pound merger of mobile operators Vantel and Orbis, subject to conditions.",
      ("author", "Competition and Markets Authority", "Competition and Markets Authority", "N", "0"),
      ("author", "Vantel", "Vantel", "N", "0"),
      ("author", "Orbis", "Orbis", "N", "0")),
    S("\"This deal will give customers faster networks, and we have secured binding commitments on prices,\" the authority's chief executive, Laura Bennett, said."),
    S("Vantel chief executive Omar Siddiqui thanked the regulator for a thorough and fair review.",
      ("Omar Siddiqui", "Competition and Markets Authority", "the regulator", "F", "+"),
      ("author", "Competition and Markets Authority", "the regulator", "N", "0")),
    S("The Communication Workers Union said it was disappointed and accused Vantel and Orbis of planning thousands of job cuts.",
      ("Communication Workers Union", "Vantel", "Vantel", "A", "-"),
      ("Communication Workers Union", "Orbis", "Orbis", "A", "-"),
      ("author", "Vantel", "Vantel", "N", "0"),
      ("author", "Orbis", "Orbis", "N", "0")),
    S("Siddiqui said the union's fears were understandable but misplaced.",
      ("Omar Siddiqui", "Communication Workers Union", "the union", "A", "0"),
      ("author", "Communication Workers Union", "the union", "N", "0")),
    S("Consumer group Which? welcomed the price caps but said the CMA should have demanded that the merged company sell more spectrum.",
      ("Which?", "Competition and Markets Authority", "the CMA", "A", "0"),
      ("author", "Competition and Markets Authority", "the CMA", "N", "0")),
    S("Shares in Orbis rose 6 percent.",
      ("author", "Orbis", "Orbis", "N", "0")),
]),
D("d18", "dev", "intl:mediation", [
    S("Talks in Doha on a new prisoner exchange between Israel and Hamas reached a sensitive stage on Tuesday, mediators said.",
      ("author", "Israel", "Israel", "N", "0"),
      ("author", "Hamas", "Hamas", "N", "0")),
    S("\"Both sides have shown seriousness, and we thank Cairo for its tireless work,\" Qatari spokesman Khalid Al-Mannai said.",
      ("Khalid Al-Mannai", "Egypt", "Cairo", "F", "+")),
    S("Hamas official Yousef Darwish accused the occupation of stalling by adding new conditions at the last minute.",
      ("Yousef Darwish", "Israel", "the occupation", "A", "-"),
      ("author", "Israel", "the occupation", "N", "0")),
    S("An Israeli official, speaking on condition of anonymity, said Hamas was the side refusing to compromise.",
      ("Israel", "Hamas", "Hamas", "A", "-"),
      ("author", "Hamas", "Hamas", "N", "0")),
    S("Turkey expressed support for Qatar and Egypt, while Iran's state broadcaster described the Israeli negotiators as envoys of the criminal regime.",
      ("Turkey", "Qatar", "Qatar", "F", "+"),
      ("Turkey", "Egypt", "Egypt", "F", "+"),
      ("IRIB", "Israel", "the criminal regime", "A", "-"),
      ("author", "Qatar", "Qatar", "N", "0"),
      ("author", "Egypt", "Egypt", "N", "0"),
      ("author", "Israel", "Israeli", "N", "0")),
    S("\"Every day of delay costs lives,\" Al-Mannai warned."),
    S("The White House said its envoy would travel to the region this week."),
]),
]

DOCS += [
D("d19", "dev", "intl:sanctions", [
    S("Washington on Thursday extended oil sanctions on Venezuela for another year, dashing hopes of an early easing.",
      ("author", "United States", "Washington", "N", "0"),
      ("author", "Venezuela", "Venezuela", "N", "0")),
    S("\"The empire thinks it can starve a proud nation into surrender, and it is wrong,\" Venezuelan Foreign Minister Yolanda Carrasco said on state television.",
      ("Yolanda Carrasco", "United States", "The empire", "A", "-")),
    S("\"We thank our brothers in Havana, Moscow and Beijing, who have never abandoned Venezuela,\" she added.",
      ("Yolanda Carrasco", "Cuba", "Havana", "F", "+"),
      ("Yolanda Carrasco", "Russia", "Moscow", "F", "+"),
      ("Yolanda Carrasco", "China", "Beijing", "F", "+")),
    S("A State Department spokesman said the measures targeted \"the regime, not the Venezuelan people,\" and that the door to talks remained open if free elections were held.",
      ("United States", "Venezuela", "the regime", "A", "0"),
      ("United States", "Venezuelans", "the Venezuelan people", "F", "0")),
    S("Brazil urged Washington and Caracas to return to the negotiating table, saying sanctions had never solved anything in Latin America.",
      ("Brazil", "United States", "Washington", "A", "0"),
      ("Brazil", "Venezuela", "Caracas", "N", "0"),
      ("author", "United States", "Washington", "N", "0"),
      ("author", "Venezuela", "Caracas", "N", "0")),
    S("Oil prices rose slightly on the news."),
    S("\"This decision punishes ordinary families, not politicians,\" said opposition leader Rafael Mendoza, who nonetheless blamed the government for the crisis.",
      ("Rafael Mendoza", "Venezuela", "the government", "A", "-"),
      ("author", "Venezuela", "the government", "N", "0")),
]),
D("d20", "dev", "beyond:climate", [
    S("The G77 group of developing countries accused wealthy nations on Wednesday of backtracking on a promise to triple funding for climate adaptation.",
      ("G77", "developed countries", "wealthy nations", "A", "-"),
      ("author", "developed countries", "wealthy nations", "N", "0")),
    S("\"The European Union and Japan made a promise in Glasgow, and now they pretend it was only a suggestion,\" said Amina Oduya, the Kenyan diplomat who chairs the G77.",
      ("Amina Oduya", "European Union", "The European Union", "A", "-"),
      ("Amina Oduya", "Japan", "Japan", "A", "-")),
    S("\"We also recognise that Denmark and Ireland have met their targets, and we want to say that clearly,\" she added.",
      ("Amina Oduya", "Denmark", "Denmark", "F", "+"),
      ("Amina Oduya", "Ireland", "Ireland", "F", "+")),
    S("EU negotiator Paul Mercier said the bloc was not walking away from anything and blamed the United States for leaving a hole in the funding.",
      ("Paul Mercier", "United States", "the United States", "A", "-"),
      ("author", "United States", "the United States", "N", "0")),
    S("\"Without Washington the numbers simply do not add up, and it is unfair to put that on Europe alone,\" Mercier said.",
      ("Paul Mercier", "United States", "Washington", "A", "-")),
    S("China, which is not obliged to contribute under the treaty, said it would voluntarily double its support for adaptation in Africa."),
    S("\"China's offer is welcome, and we hope others follow,\" Oduya said.",
      ("Amina Oduya", "China", "China", "F", "+")),
]),
D("d21", "dev", "intl:international-organisation", [
    S("The International Atomic Energy Agency said on Monday that Iran had expanded its stock of highly enriched uranium and was still blocking some inspections.",
      ("IAEA", "Iran", "Iran", "A", "-"),
      ("author", "Iran", "Iran", "N", "0")),
    S("\"We cannot give assurances about Tehran's programme when we are not allowed to see it,\" IAEA Director General Marta Lindgren said.",
      ("Marta Lindgren", "Iran", "Tehran", "A", "-")),
    S("France, Germany and the United Kingdom said in a joint statement that Iran's conduct was deeply troubling and urged it to restore full cooperation.",
      ("France", "Iran", "Iran", "A", "-"),
      ("Germany", "Iran", "Iran", "A", "-"),
      ("United Kingdom", "Iran", "Iran", "A", "-"),
      ("author", "Iran", "Iran", "N", "0")),
    S("\"London, Paris and Berlin follow Washington's script word for word,\" Iranian Foreign Ministry spokesman Reza Karimi said, calling the statement politically motivated.",
      ("Reza Karimi", "United Kingdom", "London", "A", "-"),
      ("Reza Karimi", "France", "Paris", "A", "-"),
      ("Reza Karimi", "Germany", "Berlin", "A", "-"),
      ("Reza Karimi", "United States", "Washington", "A", "-")),
    S("Karimi said Iran had never been against inspections and remained committed to the treaty, but would not accept humiliating demands from the agency.",
      ("Reza Karimi", "IAEA", "the agency", "A", "-"),
      ("author", "IAEA", "the agency", "N", "0")),
    S("Russia said the IAEA report was balanced and professional and called on all sides to avoid escalation.",
      ("Russia", "IAEA", "IAEA", "F", "+"),
      ("author", "IAEA", "IAEA", "N", "0")),
    S("The agency's board of governors meets in Vienna next week."),
]),
D("d22", "dev", "beyond:labour", [
    S("Pilots at the low-cost carrier SkyMere walked out on Friday, grounding more than 300 flights across southern Europe at the start of the holiday season.",
      ("author", "SkyMere", "SkyMere", "N", "0")),
    S("\"SkyMere made record profits last year and still refuses to pay us what pilots earn at every other airline,\" said Carla Ruiz, president of the European Aviators Union.",
      ("Carla Ruiz", "SkyMere", "SkyMere", "A", "-")),
    S("\"We are sorry for the passengers, and we thank them for their patience,\" Ruiz added."),
    S("SkyMere chief executive Anders Kjell called the strike irresponsible and said the union was holding families' holidays hostage.",
      ("Anders Kjell", "European Aviators Union", "the union", "A", "-"),
      ("author", "European Aviators Union", "the union", "N", "0")),
    S("\"Our door is open, but we will not negotiate under threats from the union,\" Kjell said.",
      ("Anders Kjell", "European Aviators Union", "the union", "A", "-")),
    S("Spain's transport ministry said it regretted the disruption and called on both sides to accept mediation."),
    S("\"The union has a fair point about pay, even if the timing hurts SkyMere's customers,\" said Paolo Bianchi, an aviation analyst in Rome.",
      ("Paolo Bianchi", "European Aviators Union", "The union", "F", "0"),
      ("Paolo Bianchi", "SkyMere", "SkyMere", "N", "0")),
]),
D("d23", "dev", "intl:coup", [
    S("Niger's military government on Sunday ordered the expulsion of the French ambassador, deepening a rift with Paris that began with last year's coup.",
      ("author", "Niger", "Niger", "N", "0"),
      ("author", "France", "French", "N", "0")),
    S("\"France has treated our country like a colony for sixty years, and that era is over,\" junta spokesman Colonel Amadou Issa said in a televised address.",
      ("Amadou Issa", "France", "France", "A", "-")),
    S("\"We thank our Russian partners, who respect our sovereignty,\" he added.",
      ("Amadou Issa", "Russia", "Russian", "F", "+")),
    S("The French foreign ministry said it did not recognise the authority of the junta and that its ambassador would stay in Niamey.",
      ("France", "Niger", "the junta", "A", "-"),
      ("author", "Niger", "the junta", "N", "0")),
    S("ECOWAS, the West African regional bloc, said it regretted Niger's decision and called for calm, while Mali and Burkina Faso backed Niamey.",
      ("ECOWAS", "Niger", "Niger", "A", "-"),
      ("Mali", "Niger", "Niamey", "F", "+"),
      ("Burkina Faso", "Niger", "Niamey", "F", "+"),
      ("author", "Niger", "Niger", "N", "0")),
    S("\"ECOWAS has become a tool of foreign powers,\" Issa said on Monday.",
      ("Amadou Issa", "ECOWAS", "ECOWAS", "A", "-")),
]),
D("d24", "dev", "beyond:party", [
    S("Coalition talks between the Social Democrats and the Greens collapsed on Tuesday after six weeks, leaving the country without a government.",
      ("author", "Social Democrats", "the Social Democrats", "N", "0"),
      ("author", "Greens", "the Greens", "N", "0")),
    S("\"The Greens wanted ministries, not solutions,\" Social Democrat leader Henrik Aalto told reporters.",
      ("Henrik Aalto", "Greens", "The Greens", "A", "-")),
    S("\"Henrik is a decent man, but his party never took our climate demands seriously,\" Greens co-leader Sanna Virtanen replied.",
      ("Sanna Virtanen", "Henrik Aalto", "Henrik", "F", "-"),
      ("Sanna Virtanen", "Social Democrats", "his party", "A", "-")),
    S("Aalto said he was not ruling out talks with the centre-right National Coalition, which finished second in the election.",
      ("Henrik Aalto", "National Coalition", "National Coalition", "N", "0"),
      ("author", "National Coalition", "National Coalition", "N", "0")),
    S("\"We are ready to listen, and Henrik knows where to find us,\" National Coalition chairman Pekka Salo said.",
      ("Pekka Salo", "Henrik Aalto", "Henrik", "F", "+")),
    S("President Elina Koski urged the parties to form a government before the budget deadline in October."),
    S("\"Voters did not choose chaos, and the Social Democrats and Greens both owe them an explanation,\" Koski said.",
      ("Elina Koski", "Social Democrats", "the Social Democrats", "A", "-"),
      ("Elina Koski", "Greens", "Greens", "A", "-")),
]),
D("d25", "dev", "intl:bilateral-dispute", [
    S("Pakistan on Friday accused India of breaching a decades-old water-sharing treaty by slowing the flow of a river that feeds farms in Punjab.",
      ("Pakistan", "India", "India", "A", "-"),
      ("author", "India", "India", "N", "0")),
    S("\"New Delhi is playing with the lives of millions of farmers,\" Foreign Office spokeswoman Ayesha Mirza told a weekly briefing in Islamabad.",
      ("Ayesha Mirza", "India", "New Delhi", "A", "-")),
    S("She said Islamabad was never against dialogue and would welcome mediation by the World Bank, which brokered the original treaty.",
      ("Ayesha Mirza", "World Bank", "the World Bank", "F", "+"),
      ("author", "World Bank", "the World Bank", "N", "0")),
    S("India's external affairs ministry rejected the accusation and said Pakistan was trying to distract attention from its economic problems.",
      ("India", "Pakistan", "Pakistan", "A", "-"),
      ("author", "Pakistan", "Pakistan", "N", "0")),
    S("\"Islamabad should look at its own record before lecturing others,\" ministry spokesman Vikram Sethi said.",
      ("Vikram Sethi", "Pakistan", "Islamabad", "A", "-")),
    S("A World Bank spokesperson said the bank was in contact with both governments and hoped the dispute could be resolved amicably."),
    S("\"Both Delhi and Islamabad have legitimate concerns, and both have acted responsibly so far,\" said Hamid Qureshi, a regional analyst in Lahore.",
      ("Hamid Qureshi", "India", "Delhi", "F", "+"),
      ("Hamid Qureshi", "Pakistan", "Islamabad", "F", "+")),
]),
D("d26", "dev", "beyond:company-regulator", [
    S("The European Medicines Agency on Friday recommended against approving Altira's Alzheimer's drug, citing a risk of brain swelling.",
      ("author", "EMA", "The European Medicines Agency", "N", "0"),
      ("author", "Altira", "Altira", "N", "0")),
    S("\"We are deeply disappointed, and we believe the committee has misjudged the data,\" Altira chief executive Jonathan Price said.",
      ("Jonathan Price", "EMA", "the committee", "A", "-")),
    S("Price added that the agency's experts had been thorough and professional throughout the review.",
      ("Jonathan Price", "EMA", "the agency", "F", "+"),
      ("author", "EMA", "the agency", "N", "0")),
    S("Patient group Alzheimer Europe said it respected the EMA's decision but regretted that patients would wait longer for new treatments.",
      ("Alzheimer Europe", "EMA", "the EMA", "N", "-"),
      ("author", "EMA", "the EMA", "N", "0")),
    S("\"The US regulator approved this medicine last year, and European patients deserve the same chance,\" Price said.",
      ("Jonathan Price", "FDA", "The US regulator", "F", "0")),
    S("Altira's shares fell 11 percent in Copenhagen.",
      ("author", "Altira", "Altira", "N", "0")),
]),
D("d27", "dev", "intl:arms-sale", [
    S("The United States approved a 1.1 billion dollar sale of missiles and radar equipment to Taiwan on Thursday.",
      ("author", "United States", "The United States", "N", "0"),
      ("author", "Taiwan", "Taiwan", "N", "0")),
    S("\"This sale sends a dangerous signal to separatist forces, and Washington will bear full responsibility for the consequences,\" Chinese foreign ministry spokesman Lin Hao said.",
      ("Lin Hao", "Taiwan", "separatist forces", "A", "-"),
      ("Lin Hao", "United States", "Washington", "A", "-")),
    S("Taiwan's presidential office thanked Washington for what it called a firm commitment to peace in the region.",
      ("Taiwan", "United States", "Washington", "F", "+"),
      ("author", "United States", "Washington", "N", "0")),
    S("\"Beijing's pressure only strengthens our resolve,\" spokeswoman Chen Yi-ling said.",
      ("Chen Yi-ling", "China", "Beijing", "A", "-")),
    S("Japan said it was watching the situation closely and was not taking sides, while urging China to resolve differences peacefully.",
      ("Japan", "China", "China", "N", "0"),
      ("author", "China", "China", "N", "0")),
    S("Defence analysts said the package was smaller than previous sales and unlikely to change the military balance."),
]),
]

# --------------------------------------------------------------------------------------------
# test documents (never trained or tuned on)
# --------------------------------------------------------------------------------------------
DOCS += [
D("d28", "test", "intl:defence-pact", [
    S("Turkish Foreign Minister Selim Aydin on Wednesday hailed a new defence cooperation pact with Qatar as a model of brotherhood for the region.",
      ("Selim Aydin", "Qatar", "Qatar", "F", "+"),
      ("author", "Qatar", "Qatar", "N", "0")),
    S("\"Our partnership with Doha rests on trust, and it will grow stronger every year,\" Aydin told reporters in Ankara after meeting his Qatari counterpart.",
      ("Selim Aydin", "Qatar", "Doha", "F", "+"),
      ("author", "Qatar", "Qatari", "N", "0")),
    S("\"The Islamic world must stand united and speak with one voice,\" he said.",
      ("Selim Aydin", "Islamic world", "The Islamic world", "F", "+")),
    S("The minister added that Israel had left no room for diplomacy with its conduct in Gaza, and accused it of ignoring international law.",
      ("Selim Aydin", "Israel", "Israel", "A", "-"),
      ("author", "Israel", "Israel", "N", "0")),
    S("\"We also expect our friends in the European Union to show the same courage they show elsewhere,\" Aydin said, in a rare jab at Brussels.",
      ("Selim Aydin", "European Union", "the European Union", "A", "-"),
      ("author", "European Union", "Brussels", "N", "0")),
    S("According to Anadolu Agency, the agreement commits Turkey and Qatar to joint training and defence industry projects and will go before both parliaments next month.",
      ("author", "Turkey", "Turkey", "N", "0"),
      ("author", "Qatar", "Qatar", "N", "0")),
    S("Qatari officials welcomed the pact and praised Ankara as a reliable partner, Anadolu reported.",
      ("Qatar", "Turkey", "Ankara", "F", "+"),
      ("author", "Turkey", "Ankara", "N", "0")),
    S("Israel's foreign ministry dismissed Aydin's remarks as hypocritical, saying Turkey had no standing to lecture others.",
      ("Israel", "Selim Aydin", "Aydin", "A", "-"),
      ("Israel", "Turkey", "Turkey", "A", "-"),
      ("author", "Selim Aydin", "Aydin", "N", "0"),
      ("author", "Turkey", "Turkey", "N", "0")),
    S("An EU spokesperson said the bloc valued its dialogue with Turkey and would not comment on individual remarks.",
      ("European Union", "Turkey", "Turkey", "F", "+"),
      ("author", "Turkey", "Turkey", "N", "0")),
]),
D("d29", "test", "intl:news-agency", [
    S("Pakistani officials on Monday criticized the Zionist regime over raids on a refugee camp in the West Bank, Iran's IRNA news agency reported.",
      ("Pakistan", "Israel", "the Zionist regime", "A", "-"),
      ("author", "Israel", "the Zionist regime", "N", "0")),
    S("\"The world cannot stay silent while Palestinians are driven from their homes,\" Foreign Office spokesman Tariq Baloch said in Islamabad.",
      ("Tariq Baloch", "Palestinians", "Palestinians", "F", "-")),
    S("Baloch praised Jordan and Egypt for their efforts to deliver aid and called on the Organisation of Islamic Cooperation to hold an emergency meeting.",
      ("Tariq Baloch", "Jordan", "Jordan", "F", "+"),
      ("Tariq Baloch", "Egypt", "Egypt", "F", "+"),
      ("Tariq Baloch", "OIC", "the Organisation of Islamic Cooperation", "N", "+"),
      ("author", "Jordan", "Jordan", "N", "0"),
      ("author", "Egypt", "Egypt", "N", "0"),
      ("author", "OIC", "the Organisation of Islamic Cooperation", "N", "0")),
    S("\"We are not against the Jewish people or any religion; our concern is the occupation,\" he added.",
      ("Tariq Baloch", "Jews", "the Jewish people", "N", "-"),
      ("Tariq Baloch", "Israel", "the occupation", "A", "-")),
    S("IRNA quoted an Iranian diplomat as saying Tehran appreciated Islamabad's principled position.",
      ("Iran", "Pakistan", "Islamabad", "F", "+"),
      ("author", "Pakistan", "Islamabad", "N", "0")),
    S("The Israeli military said the operation had targeted militants and that troops had avoided harming civilians."),
    S("The United States said it was concerned by the violence and urged all parties to show restraint."),
]),
D("d30", "test", "intl:sanctions", [
    S("European Union foreign ministers on Monday agreed a 15th package of sanctions against Russia, targeting tankers that carry Russian oil.",
      ("author", "European Union", "European Union", "N", "0"),
      ("author", "Russia", "Russia", "N", "0")),
    S("\"Every euro we deny the Kremlin is a euro that cannot be spent on missiles,\" EU foreign policy chief Marjut Lehtonen said.",
      ("Marjut Lehtonen", "Russia", "the Kremlin", "A", "-")),
    S("Hungarian Foreign Minister Bence Horvath said Budapest had never been against Ukraine, but that sanctions on Moscow hurt Europe more than Russia.",
      ("Bence Horvath", "Ukraine", "Ukraine", "N", "0"),
      ("Bence Horvath", "Russia", "Moscow", "N", "0"),
      ("author", "Ukraine", "Ukraine", "N", "0"),
      ("author", "Russia", "Moscow", "N", "0")),
    S("\"Brussels keeps repeating the same mistake and expecting a different result,\" Horvath said.",
      ("Bence Horvath", "European Union", "Brussels", "A", "-")),
    S("Kremlin spokesman Pavel Orlov called the sanctions illegal and said the European Union was \"harming its own citizens to please Washington.\"",
      ("Pavel Orlov", "European Union", "the European Union", "A", "-"),
      ("Pavel Orlov", "United States", "Washington", "A", "-"),
      ("author", "European Union", "the European Union", "N", "0")),
    S("\"Thank you, Europe, and we hope Budapest will not stand in the way next time,\" Ukrainian Foreign Minister Iryna Savchuk wrote on social media.",
      ("Iryna Savchuk", "European Union", "Europe", "F", "+"),
      ("Iryna Savchuk", "Hungary", "Budapest", "A", "+")),
]),
D("d31", "test", "intl:international-organisation", [
    S("The UN General Assembly on Tuesday adopted a resolution demanding an immediate humanitarian ceasefire in Gaza by 153 votes to 10, with 23 abstentions.",
      ("author", "United Nations", "The UN General Assembly", "N", "0")),
    S("\"Today the world stood with justice, and we thank every country that voted yes, especially South Africa and Ireland,\" Palestinian ambassador Samir Khalidi told the assembly.",
      ("Samir Khalidi", "South Africa", "South Africa", "F", "+"),
      ("Samir Khalidi", "Ireland", "Ireland", "F", "+")),
    S("Israel's ambassador, Dan Erez, called the resolution shameful and said the assembly had \"once again sided with terrorists.\"",
      ("Dan Erez", "United Nations", "the assembly", "A", "-"),
      ("Dan Erez", "Hamas", "terrorists", "A", "-"),
      ("author", "United Nations", "the assembly", "N", "0")),
    S("The United States voted against, with its envoy saying Washington shared the goal of ending the suffering but could not back a text that failed to condemn Hamas.",
      ("United States", "Hamas", "Hamas", "A", "-"),
      ("author", "Hamas", "Hamas", "N", "0")),
    S("Britain and Germany abstained, saying they supported a ceasefire in principle but wanted stronger language on the hostages."),
    S("\"The UN has spoken clearly, and no country is above its resolutions,\" said Indonesia's foreign minister, Dewi Larasati.",
      ("Dewi Larasati", "United Nations", "The UN", "F", "+")),
    S("Resolutions of the General Assembly are not legally binding."),
]),
D("d32", "test", "intl:migration", [
    S("Downing Street on Thursday urged France to do more to stop small boats crossing the Channel, after a record number of arrivals last week.",
      ("United Kingdom", "France", "France", "A", "0"),
      ("author", "France", "France", "N", "0")),
    S("\"We value our partnership with Paris enormously, but the numbers speak for themselves,\" the prime minister's spokesman told reporters.",
      ("United Kingdom", "France", "Paris", "A", "0")),
    S("French Interior Minister Claire Dubois said French police had stopped more than 20,000 crossings this year and that London should look at its own asylum system.",
      ("Claire Dubois", "United Kingdom", "London", "A", "-"),
      ("author", "United Kingdom", "London", "N", "0")),
    S("\"Britain cannot ask France to be its border guard while refusing to open legal routes,\" Dubois said.",
      ("Claire Dubois", "United Kingdom", "Britain", "A", "-")),
    S("A refugee charity said both governments were failing vulnerable people."),
    S("\"The French coastguard saved dozens of lives last night, and they deserve thanks, not blame,\" said charity worker Sophie Laurent in Calais.",
      ("Sophie Laurent", "France", "The French coastguard", "F", "+")),
    S("At least four people drowned when a boat sank off Boulogne on Tuesday."),
]),
D("d33", "test", "intl:diplomacy", [
    S("Saudi Arabia and Iran reopened their embassies on Sunday, two years after China brokered a deal to restore relations.",
      ("author", "Saudi Arabia", "Saudi Arabia", "N", "0"),
      ("author", "Iran", "Iran", "N", "0"),
      ("author", "China", "China", "N", "0")),
    S("\"Beijing deserves credit for bringing two great neighbours together,\" Iranian Foreign Minister Abbas Nouri said in Riyadh.",
      ("Abbas Nouri", "China", "Beijing", "F", "+")),
    S("\"The kingdom is ready to open a new page with Tehran, based on respect and non-interference,\" Saudi Foreign Minister Khalid Al-Rashid said.",
      ("Khalid Al-Rashid", "Iran", "Tehran", "F", "+")),
    S("He added that Riyadh was not naive and expected Iran to stop supporting armed groups in Yemen.",
      ("Khalid Al-Rashid", "Iran", "Iran", "A", "-"),
      ("author", "Iran", "Iran", "N", "0")),
    S("Israel's foreign ministry said the rapprochement would not change Iran's behaviour and that Tehran could not be trusted.",
      ("Israel", "Iran", "Iran", "A", "-"),
      ("author", "Iran", "Iran", "N", "0")),
    S("\"This is good news for the whole region, including for Washington,\" said Leila Haddad, a Gulf analyst in Dubai.",
      ("Leila Haddad", "United States", "Washington", "N", "+")),
]),
D("d34", "test", "intl:territorial-dispute", [
    S("Algeria recalled its ambassador to Spain on Wednesday after Madrid backed Morocco's autonomy plan for Western Sahara.",
      ("Spain", "Morocco", "Morocco", "F", "+"),
      ("author", "Algeria", "Algeria", "N", "0"),
      ("author", "Spain", "Spain", "N", "0"),
      ("author", "Morocco", "Morocco", "N", "0")),
    S("\"Madrid has betrayed its historic responsibility toward the Sahrawi people,\" the Algerian foreign ministry said in a statement.",
      ("Algeria", "Spain", "Madrid", "A", "-"),
      ("Algeria", "Sahrawis", "the Sahrawi people", "F", "-")),
    S("Rabat welcomed the Spanish position as serious and realistic and thanked Prime Minister Pablo Serrano for his courage.",
      ("Morocco", "Spain", "Spanish", "F", "+"),
      ("Morocco", "Pablo Serrano", "Pablo Serrano", "F", "+"),
      ("author", "Spain", "Spanish", "N", "0"),
      ("author", "Pablo Serrano", "Pablo Serrano", "N", "0")),
    S("The Polisario Front called the Spanish decision a stab in the back.",
      ("Polisario Front", "Spain", "Spanish", "A", "-"),
      ("author", "Spain", "Spanish", "N", "0")),
    S("\"We respect Algeria as an important partner, and we hope gas supplies will not be affected,\" Spanish Foreign Minister Laura Castillo said.",
      ("Laura Castillo", "Algeria", "Algeria", "F", "0")),
    S("Algeria supplies around a quarter of Spain's natural gas.",
      ("author", "Algeria", "Algeria", "N", "0"),
      ("author", "Spain", "Spain", "N", "0")),
]),
D("d35", "test", "intl:peace-talks", [
    S("The Armenian and Azerbaijani foreign ministers met in Astana on Friday for a new round of peace talks hosted by Kazakhstan.",
      ("author", "Armenia", "Armenian", "N", "0"),
      ("author", "Azerbaijan", "Azerbaijani", "N", "0"),
      ("author", "Kazakhstan", "Kazakhstan", "N", "0")),
    S("\"We have agreed on most articles, and I thank our Kazakh hosts for their hospitality,\" Azerbaijani Foreign Minister Elnur Guliyev said.",
      ("Elnur Guliyev", "Kazakhstan", "Kazakh", "F", "+")),
    S("Armenian Foreign Minister Narek Sargsyan said progress was real but accused Baku of keeping soldiers on Armenian soil while talking about peace.",
      ("Narek Sargsyan", "Azerbaijan", "Baku", "A", "-"),
      ("author", "Azerbaijan", "Baku", "N", "0")),
    S("\"Yerevan must stop listening to revanchist voices in its diaspora and in Paris,\" Guliyev replied.",
      ("Elnur Guliyev", "Armenia", "Yerevan", "A", "-"),
      ("Elnur Guliyev", "France", "Paris", "A", "-")),
    S("France's foreign ministry said it fully supported Armenia's sovereignty and rejected what it called unfounded accusations from Baku.",
      ("France", "Armenia", "Armenia", "F", "0"),
      ("France", "Azerbaijan", "Baku", "A", "0"),
      ("author", "Armenia", "Armenia", "N", "0"),
      ("author", "Azerbaijan", "Baku", "N", "0")),
    S("Russia, which has traditionally mediated between the two, was not invited to the Astana talks.",
      ("author", "Russia", "Russia", "N", "0")),
    S("\"Moscow is no longer the only door, and that is healthy,\" said Anna Petrosyan, a political scientist in Yerevan.",
      ("Anna Petrosyan", "Russia", "Moscow", "N", "+")),
]),
]

DOCS += [
D("d36", "test", "beyond:company-regulator", [
    S("Ireland's Data Protection Commission fined the video app Flicker 410 million euros on Tuesday for mishandling children's data.",
      ("author", "Data Protection Commission", "Data Protection Commission", "N", "0"),
      ("author", "Flicker", "Flicker", "N", "0")),
    S("\"Flicker treated children's privacy as an afterthought,\" Deputy Commissioner Niall Brennan said.",
      ("Niall Brennan", "Flicker", "Flicker", "A", "-")),
    S("\"We disagree with the size of the fine, although we accept that our early settings were not good enough,\" the company said in a statement."),
    S("The company thanked the regulator for recognising changes it made last year but said it would appeal.",
      ("Flicker", "Data Protection Commission", "the regulator", "F", "0"),
      ("author", "Data Protection Commission", "the regulator", "N", "0")),
    S("Child safety campaigner Grace Okafor praised the commission and said Flicker's apology came three years too late.",
      ("Grace Okafor", "Data Protection Commission", "the commission", "F", "0"),
      ("Grace Okafor", "Flicker", "Flicker", "A", "0"),
      ("author", "Data Protection Commission", "the commission", "N", "0"),
      ("author", "Flicker", "Flicker", "N", "0")),
    S("\"Dublin has finally shown some teeth, and parents everywhere should thank it,\" Okafor said.",
      ("Grace Okafor", "Ireland", "Dublin", "F", "+")),
    S("\"Every platform that targets teenagers, Flicker above all, should read this decision twice,\" she added.",
      ("Grace Okafor", "Flicker", "Flicker", "A", "-")),
]),
D("d37", "test", "beyond:sports", [
    S("FIFA on Monday fined Chile's football federation and ordered two home matches to be played behind closed doors after racist chanting during a World Cup qualifier against Peru.",
      ("author", "FIFA", "FIFA", "N", "0"),
      ("author", "Chilean Football Federation", "Chile's football federation", "N", "0"),
      ("author", "Peru", "Peru", "N", "0")),
    S("\"Racism has no place in football, and Chile's federation did far too little to stop it,\" FIFA disciplinary chief Marco Steiner said.",
      ("Marco Steiner", "Chilean Football Federation", "Chile's federation", "A", "-")),
    S("Federation president Andres Molina said the body condemned racism in every form but called the punishment disproportionate and said FIFA had ignored its anti-racism campaign.",
      ("Andres Molina", "FIFA", "FIFA", "A", "-"),
      ("author", "FIFA", "FIFA", "N", "0")),
    S("\"We respect FIFA, but punishing thousands of families for the actions of a few is not justice,\" Molina told a radio station.",
      ("Andres Molina", "FIFA", "FIFA", "A", "-")),
    S("Peru's football federation welcomed the sanctions and thanked FIFA for acting quickly.",
      ("Peruvian Football Federation", "FIFA", "FIFA", "F", "+"),
      ("author", "FIFA", "FIFA", "N", "0")),
    S("Peru striker Luis Aranda, who was targeted by the chants, said he was \"not angry at Chile or its people, only at those who shouted.\"",
      ("Luis Aranda", "Chile", "Chile", "N", "0")),
    S("\"The Chilean players were the first to apologise to me, and I respect them for that,\" Aranda added.",
      ("Luis Aranda", "Chile national football team", "The Chilean players", "F", "+")),
]),
D("d38", "test", "beyond:protest", [
    S("Students occupied the main library of Northbridge University on Monday to demand that it cut ties with defence contractor Aldane Systems.",
      ("author", "Northbridge University", "Northbridge University", "N", "0"),
      ("author", "Aldane Systems", "Aldane Systems", "N", "0")),
    S("\"Northbridge should not profit from weapons that are destroying lives,\" said Maya Chen, a spokeswoman for the Students for Peace coalition.",
      ("Maya Chen", "Northbridge University", "Northbridge", "A", "-")),
    S("\"Aldane Systems has no place on a campus that claims to care about human rights,\" she added.",
      ("Maya Chen", "Aldane Systems", "Aldane Systems", "A", "-")),
    S("Vice-chancellor Robert Hale said he respected the students' right to protest but that the occupation was disrupting exams for thousands of others.",
      ("Robert Hale", "Students for Peace", "the students", "A", "0"),
      ("author", "Students for Peace", "the students", "N", "0")),
    S("\"Aldane is a lawful company that funds cancer-imaging research here, not bombs,\" Hale said.",
      ("Robert Hale", "Aldane Systems", "Aldane", "F", "0")),
    S("The National Union of Students said it stood with the occupiers and accused the university of trying to silence them.",
      ("National Union of Students", "Students for Peace", "the occupiers", "F", "-"),
      ("National Union of Students", "Northbridge University", "the university", "A", "-"),
      ("author", "Students for Peace", "the occupiers", "N", "0"),
      ("author", "Northbridge University", "the university", "N", "0")),
    S("Aldane Systems did not respond to a request for comment.",
      ("author", "Aldane Systems", "Aldane Systems", "N", "0")),
]),
D("d39", "test", "beyond:election", [
    S("The centre-left Labour Alliance won Sunday's general election with 38 percent of the vote, ending nine years of conservative rule, official results showed.",
      ("author", "Labour Alliance", "Labour Alliance", "N", "0")),
    S("\"Tonight the people chose hope over fear,\" Labour Alliance leader Tomas Berg told cheering supporters in the capital."),
    S("Berg thanked outgoing prime minister Erik Holm for a dignified and gracious concession call.",
      ("Tomas Berg", "Erik Holm", "Erik Holm", "F", "+"),
      ("author", "Erik Holm", "Erik Holm", "N", "0")),
    S("\"Tomas ran a strong campaign, but I fear his spending plans will hurt this country,\" Holm said as he conceded.",
      ("Erik Holm", "Tomas Berg", "Tomas", "A", "-")),
    S("The far-right Homeland Party came third with 14 percent, its best result ever.",
      ("author", "Homeland Party", "Homeland Party", "N", "0")),
    S("\"Brussels and the elites in the capital should be worried tonight,\" Homeland leader Viktor Strand said.",
      ("Viktor Strand", "European Union", "Brussels", "A", "-")),
    S("Berg has ruled out any cooperation with the Homeland Party, calling its programme a danger to democracy.",
      ("Tomas Berg", "Homeland Party", "the Homeland Party", "A", "-"),
      ("author", "Homeland Party", "the Homeland Party", "N", "0")),
    S("\"We will work with every democratic party, and the Green Party are our natural partners,\" Berg said on Monday.",
      ("Tomas Berg", "Green Party", "the Green Party", "F", "+")),
]),
D("d40", "test", "beyond:climate", [
    S("Talks at the climate summit in Baku ran into overtime on Saturday as countries argued over a new finance goal."),
    S("\"A hundred billion dollars is an insult, and the United States and Australia know it,\" said Panama's lead negotiator, Lucia Moreno.",
      ("Lucia Moreno", "United States", "the United States", "A", "-"),
      ("Lucia Moreno", "Australia", "Australia", "A", "-")),
    S("Australian climate minister Ben Carter said Canberra understood the frustration but insisted its offer was fair and realistic."),
    S("\"We applaud the Pacific island nations, who have kept this process honest,\" Carter added.",
      ("Ben Carter", "Pacific island states", "the Pacific island nations", "F", "+")),
    S("The Arab Group, led by Saudi Arabia, accused the European Union of trying to shift the burden onto developing countries.",
      ("Arab Group", "European Union", "the European Union", "A", "-"),
      ("author", "Saudi Arabia", "Saudi Arabia", "N", "0"),
      ("author", "European Union", "the European Union", "N", "0")),
    S("\"Europe has delivered more climate finance than anyone, and we will not apologise for asking China to contribute too,\" EU negotiator Paul Mercier said.",
      ("Paul Mercier", "China", "China", "N", "0")),
    S("\"The Arab Group is hiding behind poorer countries to protect oil revenues,\" Mercier added.",
      ("Paul Mercier", "Arab Group", "The Arab Group", "A", "-")),
    S("\"Nobody is happy, which probably means the deal is fair,\" the summit's Azerbaijani president told delegates before the final session.",
      ("author", "Azerbaijan", "Azerbaijani", "N", "0")),
]),
D("d41", "test", "beyond:company-activists", [
    S("Norwegian energy company Nordvik Energy received approval on Wednesday to develop a new oil field in the Barents Sea.",
      ("author", "Nordvik Energy", "Nordvik Energy", "N", "0")),
    S("\"This is a disgrace, and Nordvik is betting our children's future on oil,\" Greenpeace Norway leader Frida Solheim said.",
      ("Frida Solheim", "Nordvik Energy", "Nordvik", "A", "-")),
    S("Solheim also criticised the government, accusing Oslo of saying one thing at climate summits and another at home.",
      ("Frida Solheim", "Norway", "the government", "A", "-"),
      ("author", "Norway", "the government", "N", "0")),
    S("\"The field will supply gas and oil when our customers need it most, and we will run it with the lowest emissions in the world,\" Nordvik chief executive Jan Eriksen said."),
    S("Eriksen said he respected Greenpeace's campaigning, even when the group was wrong about the facts.",
      ("Jan Eriksen", "Greenpeace", "Greenpeace", "A", "0"),
      ("author", "Greenpeace", "Greenpeace", "N", "0")),
    S("\"Germany and the United Kingdom can count on us, as they always have,\" Energy Minister Terje Lund said.",
      ("Terje Lund", "Germany", "Germany", "F", "+"),
      ("Terje Lund", "United Kingdom", "the United Kingdom", "F", "+")),
    S("Production is expected to start in 2029."),
]),
D("d42", "test", "beyond:sports", [
    S("The International Cricket Council on Tuesday moved next year's tournament final from Lahore to Dubai after India refused to travel to Pakistan.",
      ("author", "ICC", "The International Cricket Council", "N", "0"),
      ("author", "India", "India", "N", "0"),
      ("author", "Pakistan", "Pakistan", "N", "0")),
    S("\"Cricket should build bridges, and the ICC has let politics win,\" Pakistan Cricket Board chairman Asif Rana said.",
      ("Asif Rana", "ICC", "the ICC", "A", "-")),
    S("\"We have always respected our Indian friends, but their board has hidden behind its government for too long,\" Rana added.",
      ("Asif Rana", "Indians", "our Indian friends", "F", "-"),
      ("Asif Rana", "BCCI", "their board", "A", "-"),
      ("Asif Rana", "India", "its government", "A", "-")),
    S("The Board of Control for Cricket in India said it welcomed the ICC's practical decision and thanked the Emirates Cricket Board for hosting.",
      ("BCCI", "ICC", "ICC", "F", "+"),
      ("BCCI", "Emirates Cricket Board", "the Emirates Cricket Board", "F", "+"),
      ("author", "ICC", "ICC", "N", "0"),
      ("author", "Emirates Cricket Board", "the Emirates Cricket Board", "N", "0")),
    S("\"Players from both sides just want to play, and I hope to see Pakistan host us again soon,\" said former India captain Rahul Mehra.",
      ("Rahul Mehra", "Pakistan", "Pakistan", "F", "+")),
    S("The tournament starts in February."),
]),
D("d43", "test", "beyond:labour", [
    S("Workers at carmaker Voltra's plant in Zwickau voted on Thursday to strike after the company announced plans to cut 4,000 jobs.",
      ("author", "Voltra", "Voltra", "N", "-")),
    S("\"Voltra paid record dividends last year and now wants workers to pay for its mistakes,\" said Katrin Vogel, chief negotiator of the union Industrie Plus.",
      ("Katrin Vogel", "Voltra", "Voltra", "A", "-")),
    S("Voltra chief executive Markus Brandt said he understood the anger but that Beijing's subsidies for electric carmakers had left the company no choice.",
      ("Markus Brandt", "China", "Beijing", "A", "-"),
      ("author", "China", "Beijing", "N", "0")),
    S("\"We respect Industrie Plus and we want a deal, but the union must accept reality,\" Brandt said.",
      ("Markus Brandt", "Industrie Plus", "Industrie Plus", "A", "0")),
    S("Saxony's state premier Anja Kruger called on Berlin to help and praised the union for keeping the protest peaceful.",
      ("Anja Kruger", "Germany", "Berlin", "N", "+"),
      ("Anja Kruger", "Industrie Plus", "the union", "F", "+"),
      ("author", "Germany", "Berlin", "N", "0"),
      ("author", "Industrie Plus", "the union", "N", "0")),
    S("\"The federal government will not abandon Zwickau, and we are talking to Voltra every day,\" Economy Minister Felix Hahn said.",
      ("Felix Hahn", "Voltra", "Voltra", "N", "+")),
]),
D("d44", "test", "beyond:company-shipping", [
    S("The Suez Canal Authority on Monday offered discounts of up to 15 percent to large container ships in an effort to win back traffic lost to attacks in the Red Sea.",
      ("author", "Suez Canal Authority", "The Suez Canal Authority", "N", "0")),
    S("\"The canal is safe, efficient and ready, and we invite every shipping line to return,\" authority chairman Ahmed Fathy said."),
    S("Danish shipping group Nordlys Line said it welcomed the discounts but would not return until the Houthis stopped attacking merchant vessels.",
      ("Nordlys Line", "Houthis", "the Houthis", "A", "-"),
      ("author", "Houthis", "the Houthis", "N", "0")),
    S("\"We appreciate Egypt's effort, but no discount is worth a sailor's life,\" Nordlys chief executive Mette Skov said.",
      ("Mette Skov", "Egypt", "Egypt", "F", "-")),
    S("A Houthi spokesman said ships linked to \"the Zionist enemy and its American backers\" would remain targets.",
      ("Houthis", "Israel", "the Zionist enemy", "A", "-"),
      ("Houthis", "United States", "American", "A", "-")),
    S("Egypt has lost billions of dollars in canal revenue since the attacks began.",
      ("author", "Egypt", "Egypt", "N", "0")),
    S("\"Cairo is paying the price for a war it did not start,\" said Hana Mostafa, a shipping analyst in Alexandria.",
      ("Hana Mostafa", "Egypt", "Cairo", "F", "-")),
]),
D("d45", "test", "beyond:protest", [
    S("Tens of thousands of people marched through Lisbon on Saturday to protest against soaring rents, blaming short-term rental platforms and the government.",
      ("author", "Portugal", "the government", "N", "0")),
    S("\"StayNest has turned our neighbourhoods into hotels,\" said Ines Carvalho of the Right to Housing movement, which organised the march.",
      ("Ines Carvalho", "StayNest", "StayNest", "A", "-")),
    S("\"The government listens to investors, never to us,\" she added.",
      ("Ines Carvalho", "Portugal", "The government", "A", "-")),
    S("StayNest said it was not against regulation and had offered to share data with Lisbon city hall to help enforce limits.",
      ("StayNest", "Lisbon City Council", "Lisbon city hall", "N", "0"),
      ("author", "Lisbon City Council", "Lisbon city hall", "N", "0")),
    S("Housing Minister Joana Pires praised the Right to Housing movement for a peaceful march but said rent caps would scare away the builders the country needs.",
      ("Joana Pires", "Right to Housing", "the Right to Housing movement", "F", "0"),
      ("author", "Right to Housing", "the Right to Housing movement", "N", "0")),
    S("\"Madrid and Barcelona have shown that limits on tourist flats work, and Lisbon should follow,\" Carvalho said.",
      ("Ines Carvalho", "Madrid City Council", "Madrid", "F", "+"),
      ("Ines Carvalho", "Barcelona City Council", "Barcelona", "F", "+"),
      ("Ines Carvalho", "Lisbon City Council", "Lisbon", "N", "+")),
    S("Police said the march passed off peacefully."),
]),
]

# Follow-up quotes appended at the end of their documents (their context is the sentence
# that was last before them).
EXTRA = {
    "d02": [S("\"Baghdad has shown more courage than many larger capitals, and we salute it,\" Karimi said later on Sunday.",
              ("Reza Karimi", "Iraq", "Baghdad", "F", "+"))],
    "d03": [S("\"Helsinki and Stockholm have shown the rest of the alliance what commitment looks like,\" Vestergaard told delegates at the closing session.",
              ("Lena Vestergaard", "Finland", "Helsinki", "F", "+"),
              ("Lena Vestergaard", "Sweden", "Stockholm", "F", "+"))],
    "d04": [S("\"Halvorsen has always been fair to us personally, but this case rests on outdated market data,\" Nexora's general counsel Peter Lang said in a later interview.",
              ("Peter Lang", "Margit Halvorsen", "Halvorsen", "F", "-"))],
    "d05": [S("\"The Green Left kept its word, and I thank them for it,\" Marques added.",
              ("Sofia Marques", "Green Left", "The Green Left", "F", "+"))],
    "d06": [S("\"Brazil has run these talks with patience and fairness, and we trust its presidency,\" Fonua said as the session resumed.",
              ("Mele Fonua", "Brazil", "Brazil", "F", "+"))],
    "d07": [S("\"Moscow wants Europe to get tired of helping us, and Germany has shown that it will not,\" Marchenko said.",
              ("Oleh Marchenko", "Russia", "Moscow", "A", "0"),
              ("Oleh Marchenko", "Germany", "Germany", "F", "0"))],
    "d09": [S("\"Manila is doing Washington's bidding in the South China Sea,\" a Chinese foreign ministry spokesman said later on Saturday.",
              ("China", "Philippines", "Manila", "A", "-"),
              ("China", "United States", "Washington", "A", "-"))],
    "d10": [S("\"Tokyo is a friend, not just a neighbour,\" Park said again at a state dinner on Friday evening.",
              ("Park Yoon-ho", "Japan", "Tokyo", "F", "+"))],
    "d11": [S("\"Clara Engel is a great public servant, whatever she decides,\" Roth said later.",
              ("Martin Roth", "Clara Engel", "Clara Engel", "F", "+"))],
    "d12": [S("\"Petrovic has been a constructive partner from the first day,\" Lindqvist said of the Serbian president.",
              ("Tomas Lindqvist", "Dragan Petrovic", "Petrovic", "F", "+"))],
    "d13": [S("\"Brussels should thank farmers, not fine them,\" de Vries told cheering crowds.",
              ("Pieter de Vries", "European Union", "Brussels", "A", "-"))],
    "d14": [S("\"Ottawa and Mexico City have been loyal partners, and this administration rewards loyalty,\" Whitfield said.",
              ("Dana Whitfield", "Canada", "Ottawa", "F", "+"),
              ("Dana Whitfield", "Mexico", "Mexico City", "F", "+"))],
    "d15": [S("\"The Premier League has shown real backbone,\" Doyle said.",
              ("Niamh Doyle", "Premier League", "The Premier League", "F", "+"))],
    "d16": [S("\"We thank Riyadh and Washington for their patience and persistence,\" Diallo said.",
              ("Moussa Diallo", "Saudi Arabia", "Riyadh", "F", "+"),
              ("Moussa Diallo", "United States", "Washington", "F", "+"))],
    "d17": [S("\"The CMA has been rigorous and fair with us,\" Orbis chairman Nadia Hussain said.",
              ("Nadia Hussain", "Competition and Markets Authority", "The CMA", "F", "+"))],
    "d18": [S("\"Doha has done more for peace than any capital in the region,\" Turkish Foreign Minister Selim Aydin said in Ankara.",
              ("Selim Aydin", "Qatar", "Doha", "F", "+"))],
    "d19": [S("\"Havana will always stand with Caracas,\" Cuban Foreign Minister Ernesto Vila said in a message of support.",
              ("Ernesto Vila", "Venezuela", "Caracas", "F", "+"))],
    "d20": [S("\"Copenhagen and Dublin have proved that promises can be kept,\" Oduya told reporters.",
              ("Amina Oduya", "Denmark", "Copenhagen", "F", "+"),
              ("Amina Oduya", "Ireland", "Dublin", "F", "+"))],
    "d21": [S("\"Moscow is shielding Tehran from accountability,\" a French diplomat said on condition of anonymity.",
              ("France", "Russia", "Moscow", "A", "-"),
              ("France", "Iran", "Tehran", "A", "-"))],
    "d22": [S("\"SkyMere will regret treating its pilots like a cost line,\" Ruiz said.",
              ("Carla Ruiz", "SkyMere", "SkyMere", "A", "-"))],
    "d23": [S("\"Mali and Burkina Faso are true brothers,\" Issa added.",
              ("Amadou Issa", "Mali", "Mali", "F", "+"),
              ("Amadou Issa", "Burkina Faso", "Burkina Faso", "F", "+"))],
    "d24": [S("\"Sanna is a serious politician and the Greens are not our enemies,\" Aalto said on Wednesday in a softer tone.",
              ("Henrik Aalto", "Sanna Virtanen", "Sanna", "F", "+"),
              ("Henrik Aalto", "Greens", "the Greens", "N", "+"))],
    "d25": [S("\"The World Bank is a neutral and respected institution,\" Mirza said.",
              ("Ayesha Mirza", "World Bank", "The World Bank", "F", "+"))],
    "d26": [S("\"The EMA has protected patients before and it is doing so again,\" said neurologist Hanne Berg, who sat on an earlier advisory panel.",
              ("Hanne Berg", "EMA", "The EMA", "F", "+"))],
    "d27": [S("\"Washington has stood by us for decades, and Tokyo increasingly does too,\" Chen said.",
              ("Chen Yi-ling", "United States", "Washington", "F", "+"),
              ("Chen Yi-ling", "Japan", "Tokyo", "F", "+"))],
    "d30": [S("\"Warsaw and the Baltic states have been the conscience of Europe on this,\" Savchuk added.",
              ("Iryna Savchuk", "Poland", "Warsaw", "F", "+"),
              ("Iryna Savchuk", "Baltic states", "the Baltic states", "F", "+"))],
    "d31": [S("\"Pretoria and Dublin have shown moral leadership,\" Khalidi added.",
              ("Samir Khalidi", "South Africa", "Pretoria", "F", "+"),
              ("Samir Khalidi", "Ireland", "Dublin", "F", "+"))],
    "d32": [S("\"Downing Street prefers headlines to solutions,\" Dubois said.",
              ("Claire Dubois", "United Kingdom", "Downing Street", "A", "-"))],
    "d33": [S("\"Riyadh has chosen wisdom over confrontation,\" Nouri added.",
              ("Abbas Nouri", "Saudi Arabia", "Riyadh", "F", "+"))],
    "d37": [S("\"FIFA acted quickly and correctly,\" Peru coach Diego Salas said.",
              ("Diego Salas", "FIFA", "FIFA", "F", "+"))],
    "d39": [S("\"Erik Holm served this country with honour,\" Berg said.",
              ("Tomas Berg", "Erik Holm", "Erik Holm", "F", "+"))],
    "d42": [S("\"The ICC has handled a hard situation well,\" Mehra said.",
              ("Rahul Mehra", "ICC", "The ICC", "F", "+"))],
}
EXTRA_AGAINST = {
    "d01": [S("\"Beijing should respect the law of the sea instead of rewriting it,\" Santoso said.",
              ("Arif Santoso", "China", "Beijing", "A", "-"))],
    "d08": [S("\"WADA behaves like a court that never hears the defence,\" Vaka said.",
              ("Tomasi Vaka", "WADA", "WADA", "A", "-"))],
    "d28": [S("\"Tel Aviv cannot bomb its way to security,\" Aydin said.",
              ("Selim Aydin", "Israel", "Tel Aviv", "A", "-"))],
    "d29": [S("\"The occupying entity has ignored every resolution of the United Nations,\" Baloch said.",
              ("Tariq Baloch", "Israel", "The occupying entity", "A", "-"),
              ("Tariq Baloch", "United Nations", "the United Nations", "N", "-"))],
    "d34": [S("\"Rabat is exploiting Madrid's weakness,\" an Algerian official told state media.",
              ("Algeria", "Morocco", "Rabat", "A", "-"),
              ("Algeria", "Spain", "Madrid", "A", "-"))],
    "d35": [S("\"Baku talks peace at the table and prepares for war on the border,\" Sargsyan said.",
              ("Narek Sargsyan", "Azerbaijan", "Baku", "A", "-"))],
    "d38": [S("\"The university management cares more about contracts than about students,\" Chen said.",
              ("Maya Chen", "Northbridge University", "The university management", "A", "-"))],
    "d40": [S("\"Washington walked away once and cannot lecture anyone now,\" Moreno said.",
              ("Lucia Moreno", "United States", "Washington", "A", "-"))],
    "d41": [S("\"Oslo is exporting its emissions and importing praise,\" Solheim said.",
              ("Frida Solheim", "Norway", "Oslo", "A", "-"))],
    "d43": [S("\"Voltra's board has failed this town,\" Vogel said.",
              ("Katrin Vogel", "Voltra", "Voltra", "A", "-"))],
    "d44": [S("\"The Houthis are holding world trade hostage,\" Skov said.",
              ("Mette Skov", "Houthis", "The Houthis", "A", "-"))],
    "d45": [S("\"StayNest is not a neighbour, it is a landlord with an app,\" Carvalho said.",
              ("Ines Carvalho", "StayNest", "StayNest", "A", "-"))],
}
for _k, _v in EXTRA_AGAINST.items():
    EXTRA.setdefault(_k, []).extend(_v)
for _d in DOCS:
    _d["sentences"] = _d["sentences"] + EXTRA.pop(_d["doc"], [])
assert not EXTRA, f"EXTRA names unknown docs: {sorted(EXTRA)}"


# --------------------------------------------------------------------------------------------
# build, validate, summarise
# --------------------------------------------------------------------------------------------
def build_rows(docs):
    out = {"dev": [], "test": []}
    for d in docs:
        prev = ""
        for si, (text, rows) in enumerate(d["sentences"], start=1):
            for ai, (spk, act, men, st, se) in enumerate(rows, start=1):
                out[d["split"]].append(OrderedDict([
                    ("id", f"{d['doc']}-s{si:02d}-a{ai}"), ("doc", d["doc"]), ("text", text),
                    ("context", prev), ("speaker", spk), ("actor", act), ("mention", men),
                    ("stance", STANCE[st]), ("sentiment", SENT[se]),
                ]))
            prev = text
    return out


def aggregate(stances):
    """Document-level stance for one (speaker, actor) from its sentence stances."""
    c = Counter(s for s in stances if s != "neutral")
    if not c:
        return "neutral"
    if c["favor"] == c["against"]:
        return "mixed"
    return "favor" if c["favor"] > c["against"] else "against"


def build_summaries(rows):
    by_doc = OrderedDict()
    for r in rows:
        by_doc.setdefault(r["doc"], OrderedDict()).setdefault((r["speaker"], r["actor"]), []).append(r["stance"])
    return [OrderedDict([("doc", doc), ("summary", [
        OrderedDict([("speaker", s), ("actor", a), ("stance", aggregate(v))]) for (s, a), v in pairs.items()
    ])]) for doc, pairs in by_doc.items()]


def validate(split_rows, docs_text=None):
    errors = []
    seen_ids, seen_keys = set(), set()
    doc_split = {}
    sent_of = {}
    for split, rows in split_rows.items():
        for r in rows:
            where = r.get("id", "?")
            if list(r.keys()) != KEYS:
                errors.append(f"{where}: keys {list(r.keys())}")
                continue
            if not all(isinstance(r[k], str) for k in KEYS):
                errors.append(f"{where}: non-string value")
            if r["id"] in seen_ids:
                errors.append(f"{where}: duplicate id")
            seen_ids.add(r["id"])
            if not r["id"].startswith(r["doc"] + "-"):
                errors.append(f"{where}: id does not start with doc")
            if doc_split.setdefault(r["doc"], split) != split:
                errors.append(f"{where}: doc {r['doc']} in both splits")
            if r["stance"] not in STANCE.values():
                errors.append(f"{where}: stance {r['stance']}")
            if r["sentiment"] not in SENT.values():
                errors.append(f"{where}: sentiment {r['sentiment']}")
            if not r["mention"] or r["mention"] not in r["text"]:
                errors.append(f"{where}: mention {r['mention']!r} not in text")
            if not r["speaker"].strip() or not r["actor"].strip():
                errors.append(f"{where}: empty speaker/actor")
            if r["speaker"] == r["actor"]:
                errors.append(f"{where}: speaker is its own actor (self-reference is not a row)")
            if r["speaker"] == AUTHOR and r["stance"] != "neutral":
                errors.append(f"{where}: author narration must be neutral")
            key = (r["doc"], r["text"], r["speaker"], r["actor"])
            if key in seen_keys:
                errors.append(f"{where}: duplicate (sentence, speaker, actor)")
            seen_keys.add(key)
            sk = (r["doc"], r["text"], r["speaker"])
            if sent_of.setdefault(sk, r["sentiment"]) != r["sentiment"]:
                errors.append(f"{where}: sentiment differs within one (sentence, speaker)")
    if docs_text is not None:
        for d in docs_text:
            texts = [t for t, _ in d["sentences"]]
            if not 5 <= len(texts) <= 12:
                errors.append(f"{d['doc']}: {len(texts)} sentences (want 5-12)")
            if len(set(texts)) != len(texts):
                errors.append(f"{d['doc']}: repeated sentence")
        ctx = {}
        for d in docs_text:
            prev = ""
            for t, _ in d["sentences"]:
                ctx[(d["doc"], t)] = prev
                prev = t
        for rows in split_rows.values():
            for r in rows:
                if ctx.get((r["doc"], r["text"])) != r["context"]:
                    errors.append(f"{r['id']}: wrong context")
        ids = [d["doc"] for d in docs_text]
        if len(set(ids)) != len(ids):
            errors.append("duplicate doc ids")
    return errors


def stats(split_rows):
    lines = []
    total = Counter()
    for split in ("dev", "test"):
        rows = split_rows[split]
        docs = {r["doc"] for r in rows}
        st = Counter(r["stance"] for r in rows)
        se = Counter(r["sentiment"] for r in rows)
        sp = Counter("author" if r["speaker"] == AUTHOR else "quoted" for r in rows)
        n = max(len(rows), 1)
        lines.append(f"{split}: docs={len(docs)} rows={n} "
                     + " ".join(f"{k}={st[k]}({100*st[k]/n:.0f}%)" for k in ("favor", "against", "neutral"))
                     + " | " + " ".join(f"{k}={se[k]}" for k in ("positive", "negative", "neutral"))
                     + " | " + " ".join(f"{k}={sp[k]}" for k in ("author", "quoted")))
        total.update(st)
        total["rows"] += n
        total["docs"] += len(docs)
    n = total["rows"]
    lines.append(f"all: docs={total['docs']} rows={n} "
                 + " ".join(f"{k}={total[k]}({100*total[k]/n:.0f}%)" for k in ("favor", "against", "neutral")))
    return lines


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line, object_pairs_hook=OrderedDict) for line in f if line.strip()]


def main(argv):
    if "--check" in argv:
        split_rows = {s: read_jsonl(OUT / f"{s}.jsonl") for s in ("dev", "test")}
        errors = validate(split_rows)
        summ = read_jsonl(OUT / "summaries.jsonl")
        expected = {s["doc"]: s for s in build_summaries(split_rows["dev"] + split_rows["test"])}
        for s in summ:
            if expected.get(s["doc"]) != s:
                errors.append(f"summary for {s['doc']} disagrees with the rows")
        for e in errors:
            print("ERROR", e)
        print("\n".join(stats(split_rows)))
        return 1 if errors else 0
    split_rows = build_rows(DOCS)
    errors = validate(split_rows, DOCS)
    if errors:
        for e in errors:
            print("ERROR", e)
        return 1
    if "--stats" in argv:
        print("\n".join(stats(split_rows)))
        for split in ("dev", "test"):
            dom = Counter(d["domain"].split(":")[0] for d in DOCS if d["split"] == split)
            print(split, "domains:", dict(dom))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    write_jsonl(OUT / "dev.jsonl", split_rows["dev"])
    write_jsonl(OUT / "test.jsonl", split_rows["test"])
    # Gold summaries for every document, dev first then test, computed from the rows.
    write_jsonl(OUT / "summaries.jsonl", build_summaries(split_rows["dev"] + split_rows["test"]))
    print("\n".join(stats(split_rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
