#!/usr/bin/env python3
"""Draft PocketSphinx dictionary lines for words the CMU dictionary lacks.

espeak-ng knows how to say almost any English word; its IPA is mapped here to
the CMU phone set the en-us acoustic model uses.  The result is a draft: read
each line before adding it to questions/pronunciations.dict (jargon such as
"gil" or "deque" needs the pronunciation people say, not espeak-ng's guess).

usage: tools/espeak_pron.py WORD...   (prints "word PH ON ES" lines)
"""
import re
import subprocess
import sys

# Longest first: diphthongs and affricates before their parts.
IPA = [
    ("eɪ", "EY"), ("aɪ", "AY"), ("aʊ", "AW"), ("oʊ", "OW"), ("ɔɪ", "OY"), ("əʊ", "OW"),
    ("tʃ", "CH"), ("dʒ", "JH"), ("ɜː", "ER"), ("ɚ", "ER"), ("ɝ", "ER"), ("ɑː", "AA"),
    ("ɔː", "AO"), ("iː", "IY"), ("uː", "UW"), ("l̩", "AH L"), ("n̩", "AH N"), ("m̩", "AH M"),
    ("ɐ", "AH"), ("ə", "AH"), ("ʌ", "AH"), ("ɪ", "IH"), ("ᵻ", "IH"), ("i", "IY"), ("ɛ", "EH"),
    ("e", "EH"), ("æ", "AE"), ("a", "AE"), ("ɑ", "AA"), ("ɒ", "AA"), ("ɔ", "AO"), ("ʊ", "UH"),
    ("u", "UW"), ("o", "OW"), ("p", "P"), ("b", "B"), ("t", "T"), ("d", "D"), ("k", "K"),
    ("ɡ", "G"), ("g", "G"), ("f", "F"), ("v", "V"), ("θ", "TH"), ("ð", "DH"), ("s", "S"),
    ("z", "Z"), ("ʃ", "SH"), ("ʒ", "ZH"), ("h", "HH"), ("m", "M"), ("n", "N"), ("ŋ", "NG"),
    ("l", "L"), ("ɹ", "R"), ("r", "R"), ("w", "W"), ("j", "Y"), ("ɾ", "T"), ("ʔ", "T"),
    ("x", "K"),
]
IGNORED = "ˈˌː‍ .-_\u200d\n"


def cmu(word: str) -> str:
    ipa = subprocess.run(["espeak-ng", "-q", "-v", "en-us", "--ipa", word], check=True,
                         capture_output=True, text=True).stdout.strip()
    ipa = "".join(c for c in ipa if c not in "ˈˌ\u200d")
    out, i = [], 0
    while i < len(ipa):
        for k, v in IPA:
            if ipa.startswith(k, i):
                out.append(v)
                i += len(k)
                break
        else:
            if ipa[i] not in IGNORED:
                raise SystemExit(f"{word}: no CMU phone for {ipa[i]!r} in {ipa!r}")
            i += 1
    # espeak-ng writes an r-coloured vowel and then the r itself.
    return re.sub(r"\bER R\b", "ER", " ".join(out))


if __name__ == "__main__":
    for w in sys.argv[1:]:
        print(w.lower(), cmu(w))
