"""Word lists: whole-word matching that sees through simple obfuscation.

Plain text code, no database: the pipeline's terms phase hands it the list.
"""

import re
import unicodedata

# Characters people swap in for letters. Digits and symbols are only read as letters
# inside a word that has letters, so "2024" and "idiot!" stay what they are.
LOOKALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "€": "e",
        # Cyrillic and Greek letters that look Latin.
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
    }
)
TOKEN_RE = re.compile(r"[\w\u0300-\u036f@$!|€]+")
SYMBOLS = "@$!|€"
REPEATS_RE = re.compile(r"(.)\1+")


def fold(word):
    """Reduce a word to its bare letters: case, accents, look-alikes and repeats removed."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(c for c in word if not unicodedata.combining(c))
    if any(c.isalpha() for c in word):
        word = word.translate(LOOKALIKES)
    return REPEATS_RE.sub(r"\1", word)


def tokens(text):
    """The words of a text: (folded word, start, end)."""
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        if any(c.isalpha() for c in word):
            word = word.rstrip(SYMBOLS)  # "idiot!" ends a sentence; "sh!t" hides a letter.
        folded = fold(word)
        if folded:
            yield folded, match.start(), match.start() + len(word)


def find_terms(text, terms):
    """The listed terms in a text, as (term, kind, the text that matched), in text order.

    A term matches whole words only, so "Scunthorpe" never matches a word inside it; a term
    ending in * matches words that start with it ("idiot*": idiots, idiotic).
    """
    words = list(tokens(text))
    found = []
    for term, kind in terms:
        is_prefix = term.endswith("*")
        needle = [folded for folded, _, _ in tokens(term.rstrip("*"))]
        if not needle:
            continue
        n = len(needle)
        for i in range(len(words) - n + 1):
            window = [folded for folded, _, _ in words[i : i + n]]
            if window[:-1] == needle[:-1] and (
                window[-1].startswith(needle[-1]) if is_prefix else window[-1] == needle[-1]
            ):
                found.append((words[i][1], term, kind, text[words[i][1] : words[i + n - 1][2]]))
    found.sort()
    return [(term, kind, matched) for _, term, kind, matched in found]
