"""List corpus posts most likely affected by the sharpened annotation guidelines.

Usage: python nlp/corpus/tools/recheck_candidates.py [--rule RULE] [--summary]
       python nlp/corpus/tools/recheck_candidates.py --sweeps [--summary]
       python nlp/corpus/tools/recheck_candidates.py --control 150 --seed 12

Reads seed.jsonl and part_a..part_e.jsonl (not aug_*.jsonl / part_f.jsonl, which
were written against the new guidelines) and prints, per sharpened rule, the posts
whose current labels the rule most plausibly changes.  Output: one JSON per line
{"rule", "id", "labels", "register", "hard_negative", "in_almere", "text"}.
With --sweeps it prints the wider reading lists used as a second pass (each one a
whole slice of the corpus rather than a keyword hit; a post may be in both lists).
With --control N it instead prints a random sample of N posts that are not primary
candidates (seed 12 gives the sample recorded in RELABEL.md).
This is a reading list for a human re-check, not a relabelling tool.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1]
LEXICON = CORPUS.parent / "data" / "lexicon.tsv"
FILES = ["seed", "part_a", "part_b", "part_c", "part_d", "part_e"]

GROUP_SEX_ETC = (r"\b(vrouw(en)?|meiden|meisjes|wijf|wijven|mannen|kerels|feminist\w*|homo\w*|lesb\w*|"
                 r"trans\w*|queer\w*|lhbt\w*|lgbt\w*|non-binair\w*|gehandicapt\w*|autist\w*|"
                 r"rolstoel\w*|invalide\w*|down\w*|links(e)?|rechts(e)?|pvv\w*|d66\w*|"
                 r"groenlinks\w*|gl-?\w*|fvd\w*|bbb\w*|wappie\w*|woke\w*|deug\w*|kiezers|stemmers)\b")
HOSTILE = (r"\b(walg\w*|haat|haten|hekel|deugen niet|deugt niet|tuig|uitschot|ongedierte|ratten|"
           r"parasiet\w*|ziek\w*|gestoord\w*|smerig\w*|vies\w*|vuil\w*|minderwaardig\w*|"
           r"horen hier niet|moeten (allemaal )?(weg|terug|opgesloten)|weg met|kanker\w*|kut\w*|"
           r"landverrader\w*|verrader\w*|gajes|gespuis|plaag|zijn allemaal|allemaal hetzelfde|"
           r"achterlijk\w*|debiel\w*|mongo\w*|spast\w*)\b")
CONTEMPT = (r"\b(walg\w*|haat|haten|ik haat|kotsen van|kots\w*|deugen niet|deugt niet|tuig|ongedierte|"
            r"uitschot|gajes|gespuis|geteisem|kakkerlak\w*|parasiet\w*|plaag|minachting|verachten|"
            r"veracht\w*|misselijk van|hekel aan|ziek van)\b")
GROUP_ANY = (r"(marokkan\w*|turk\w*|pol(en|ak\w*)|oostblok\w*|buitenlander\w*|allochto\w*|migrant\w*|"
             r"asiel\w*|vluchteling\w*|statushouder\w*|azc|moslim\w*|islam\w*|jode?n?\b|joods\w*|"
             r"christen\w*|zwarte?n?\b|surinamer\w*|antillian\w*|afrikan\w*|roma\b|zigeuner\w*|"
             r"chinez\w*|aziat\w*|vrouw\w*|wijven|mannen|homo\w*|lesb\w*|trans\w*|lhbt\w*|"
             r"gehandicapt\w*|autist\w*|links\w*|rechts\w*|pvv\w*|d66\w*|groenlinks|kiezers|"
             r"\bdat soort\b|die lui|dat volk|die mensen|nieuwkomers|eritree\w*|syri\w*|"
             r"afghan\w*|oekra\w*|bulgar\w*|roemen\w*)")
PERSON_AS_MEMBER = r"(jij bent ook zo'?n|je bent ook zo'?n|jullie soort|jouw soort|jou soort|zo'?n typische|typisch (zo'?n|jullie)|net als de rest van jullie|jullie zijn allemaal|jij en je soort|je soort)"
DESERVED = (r"(verdiend|verdienen het|eigen schuld|mogen ze .{0,40}(afschieten|afmaken|opknopen|ophangen|in elkaar)|"
            r"zouden .{0,60}moeten|moeten .{0,30}(afgeschoten|opgehangen|afgemaakt|opgeknoopt|doodgeschoten|"
            r"vergast|verzopen|in elkaar geslagen|geslagen|aan de galg)|net goed|lekker puh|terecht .{0,20}(in elkaar|geslagen|gestoken)|"
            r"hoop dat (ze|hij|zij|die) .{0,40}(dood|verzuip|verbrand|creper|afgemaakt|neergestoken|aangereden)|"
            r"mag (dood|hangen|creperen)|moet(en)? (dood|creperen|branden|hangen)|opruimen|uitroeien|kopje kleiner)")
INSTITUTIONAL = (r"(gemeente werkt samen|werken samen met|wij werken|persbericht|volgens de politie|"
                 r"het vertrouwen in|vertrouwen in de|beleid|meldt de gemeente|laat de politie weten|"
                 r"door redactie|redactie|aldus|woordvoerder|handhaving|raadsbrief|raadsvoorstel|"
                 r"college van b(&|en)w|aangifte|aangehouden|gearresteerd|ondermijning|criminelen|"
                 r"onderzoek|rapport|peiling|cijfers)")
OBFUSCATED = (r"(\b[a-z]+[013457@$]+[a-z]+\b|\b(?:[a-zA-Z] ){3,}[a-zA-Z]\b|"
              r"\b[a-z]*(?P<r>[a-z])(?P=r)(?P=r)[a-z]*\b|\b[a-z]+[*.#_][a-z]+\b)")


def load():
    for name in FILES:
        with (CORPUS / f"{name}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def lexicon(category):
    terms = []
    with LEXICON.open(encoding="utf-8") as fh:
        rows = (r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#"))
        for row in rows:
            if len(row) >= 2 and row[1] == category:
                terms.append(row[0].lower())
    return terms


def slur_terms():
    return lexicon("slur")


def lex_hit(terms, text):
    tl = text.lower()
    return any(re.search(r"(?<![a-zà-ÿ])" + re.escape(s) + r"(?![a-zà-ÿ])", tl) for s in terms)


# broad lexicon passes: hostile / violent wording outside the hard-negative kinds that
# legitimately carry it (counter-speech, quotes, figurative speech)
CONTEMPT_LEX = lexicon("contempt") + lexicon("dehumanising")
VIOLENCE_LEX = lexicon("violence")


def has(pat, text):
    return re.search(pat, text, re.IGNORECASE) is not None


def rules(post, slurs):
    t = post["text"]
    tl = t.lower()
    lab = post["labels"]
    out = []
    if not lab["polarising"]:
        if has(GROUP_SEX_ETC, t) and has(HOSTILE, t):
            out.append("sex_gender_group")
        if has(CONTEMPT, t) and has(GROUP_ANY, t):
            out.append("contempt_for_group")
        if any(re.search(r"(?<![a-zà-ÿ])" + re.escape(s) + r"(?![a-zà-ÿ])", tl) for s in slurs):
            out.append("slur")
        if has(PERSON_AS_MEMBER, t):
            out.append("person_as_group_member")
        if has(OBFUSCATED, t):
            out.append("obfuscated")
    if not lab["threat"] and has(DESERVED, t):
        out.append("violence_deserved")
    if (not lab["polarising"] and post["hard_negative"] not in ("counter_speech", "quoted_hostility")
            and lex_hit(CONTEMPT_LEX, t)):
        out.append("contempt_for_group")
    if (not lab["threat"] and post["hard_negative"] not in ("figurative", "quoted_hostility")
            and lex_hit(VIOLENCE_LEX, t)):
        out.append("violence_deserved")
    if lab["threat"] and not lab["polarising"] and has(GROUP_ANY, t):
        out.append("threat_against_group")  # not sharpened, but threat vs identity group implies polarising
    if lab["anti_government"] and post["hard_negative"]:
        out.append("institutional_voice")
    if not lab["polarising"] and has(r"\b(zo'?n|jullie|jij|jou|je)\b", t) and has(GROUP_ANY, t) and has(HOSTILE, t):
        out.append("person_as_group_member")
    if lab["anti_government"] and (post["register"] == "news" or post["hard_negative"] == "report"
                                   or has(INSTITUTIONAL, t)):
        out.append("institutional_voice")
    if not lab["threat"] and has(OBFUSCATED, t) and has(r"(f[i1!]k|br[a4@]nd|sch[i1!]et|st[e3]k|m[e3]s|d[o0]{2}d|h[a4@]ng)", t):
        out.append("obfuscated")
    return sorted(set(out))


SWEEP_GROUP_MENTION = (r"\b(vrouw\w*|meid\w*|meisje\w*|wijf\w*|mannen|kerels?|feminis\w*|homo\w*|lesb\w*|"
                       r"trans|transgender\w*|transperso\w*|queer|lhbt\w*|lgbt\w*|non-binair\w*|"
                       r"gehandicapt\w*|beperking|autis\w*|rolstoel\w*|invalide\w*|syndroom|linkse?|rechtse?|"
                       r"pvv\w*|d66\w*|groenlinks\w*|vvd\w*|fvd\w*|bbb\w*|kiezers|stemmers|gender\w*)\b")
# hostile wording typical of anti-government posts; an A=yes post with none of it is read again
GOV_HOSTILE = (r"(verra|leug|maffia|crimin|tuig|kanker|kkr|kut|tyfus|fack|f\*ck|fk\b|fuck|nep\b|complot|"
               r"elite|regime|dictat|tribuna|gif|plandemie|erken|gehoorzaam|niet (meer )?betal|legitim|"
               r"schijn|clown|bende|corrupt|zakkenvul|marionet|junta|hang|strop|fik|brand|stenen|kapot|"
               r"kogel|afpers|dieven|gestolen|vijand|oorlog|wouten|smeris|juten|blauwe|politiestaat|wakker|"
               r"chemtrail|great reset|wef|davos|bilderberg|doofpot|lieg|oplicht|minachting|haat|walg|"
               r"geen respect|nul respect|mandaat|knecht|handlanger|toneel|circus|poppenkast|kolonist|"
               r"nutteloo|vertrouw|recht om te|persen|parasi|incasso|wegelagerij|straatrovers|bordeel|"
               r"zetbaz|vogelvrij|maling|gehersenspoeld|spreekbuis|onderdruk|gajes|mislukt|weg met|"
               r"afgezet|verzet|lak aan|schijt|barsten|tering|acab|1312|pesten|tirann)")
VIOLENCE_WORDS = (r"(dood|verdrink|verzuip|boot|schiet|vergas|kamp|hang|brand|fik|opruim|uitroei|klap|mes\b|"
                  r"kogel|bom|slaan|geslagen|trap|bloed|afmak|verdien|net goed|terecht|eigen schuld|goed zo|"
                  r"hoop dat|wegjagen|knuppel|stenen|ruit|sloop|slopen|verniel|molotov|lantaarn|muur|galg|strop|touw)")


def sweeps(post):
    """Second-pass reading lists: whole slices of the corpus around each sharpened rule."""
    t, lab, hn = post["text"], post["labels"], post["hard_negative"]
    out = []
    if not lab["polarising"] and has(SWEEP_GROUP_MENTION, t):
        out.append("sweep_sex_gender_camp_mention")      # every P=no post naming such a group
    if lab["anti_government"] and not has(GOV_HOSTILE, t):
        out.append("sweep_gov_without_hostile_word")     # A=yes resting on naming an institution?
    if lab["anti_government"] and (re.search(r"stemmer|kiezer|achterban|\blinks|\brechtse?\b|wokie|"
                                             r"pvv|d66|groenlinks|vvd|fvd|bbb|partij", t, re.I)):
        out.append("sweep_gov_vs_political_camp")        # camp = identity group, not government
    if (not lab["threat"] and has(VIOLENCE_WORDS, t)
            and hn not in ("figurative", "quoted_hostility", "report", "counter_speech",
                           "cultural_event", "private_plan", "online_action")):
        out.append("sweep_violence_words_not_threat")
    if lab["threat"] and not lab["polarising"] and has(GROUP_ANY + r"|demonstrant|activist|pride|moskee", t):
        out.append("sweep_threat_vs_group_not_polarising")
    if hn == "azc_opposition":
        out.append("sweep_azc_opposition")
    if lab["polarising"] and re.search(r"boer|ambtena|agent|boa|politic|elite|expat|toerist|jongeren|"
                                       r"ouderen|woonwagen", t, re.I):
        out.append("sweep_polarising_unlisted_group")    # target outside the guideline's list?
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rule")
    ap.add_argument("--control", type=int, default=0)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--sweeps", action="store_true")
    a = ap.parse_args()
    slurs = slur_terms()
    posts = list(load())
    cands, non = [], []
    for p in posts:
        rs = sweeps(p) if a.sweeps else rules(p, slurs)
        (cands if rs else non).append((rs, p))
    if a.summary:
        c = Counter(r for rs, _ in cands for r in rs)
        print(json.dumps({"posts": len(posts), "candidate_posts": len(cands), "per_rule": c}, indent=1))
        return
    if a.control:
        if a.sweeps:
            ap.error("--control samples non-candidates of the primary rules; drop --sweeps")
        rows = [([], p) for p in random.Random(a.seed).sample([p for _, p in non], a.control)]
    else:
        rows = [(rs, p) for rs, p in cands if not a.rule or a.rule in rs]
    for rs, p in rows:
        print(json.dumps({"rule": rs, "id": p["id"], "labels": p["labels"], "register": p["register"],
                          "hard_negative": p["hard_negative"], "in_almere": p["in_almere"],
                          "text": p["text"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
