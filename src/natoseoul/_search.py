"""Text search that ignores case, accents and kinds of whitespace, the same in Python and in the site.

``fold(text)`` is the one normalisation both :func:`natoseoul.find_quotes` (``text=``) and the
static site's quotation search (``site/search.js``, which implements the same steps) apply to the
query and to every quote before looking for the one inside the other:

1. case folding (``str.casefold``; the JavaScript lower-cases and then folds ``ß`` to ``ss`` and a
   final ``ς`` to ``σ``, the two full case folds lower-casing misses in these texts' scripts);
2. compatibility decomposition (NFKD), which also turns a no-break space (U+00A0), a thin space and
   an ideographic space into a plain space, and a ligature such as ``ﬁ`` into its letters;
3. removal of every combining mark (general category M), so ``é`` matches ``e``;
4. recomposition (NFC), which puts Hangul syllables back together: NFKD splits ``대`` into the
   jamo ``ᄃ`` + ``ᅢ``, which are letters, not marks, so Hangul is searched as written;
5. every run of whitespace (``WHITESPACE``) becomes one space, and the ends are trimmed.
"""

from __future__ import annotations

import re
import unicodedata

# Every character Python's str.isspace or JavaScript's \s counts as whitespace, written out so that
# both languages use the same class (site/search.js holds the same string).
WHITESPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_SPACES = re.compile(f"[{WHITESPACE}]+")


def fold(text: str) -> str:
    """``text`` as the search compares it: case-folded, without accents, whitespace collapsed.

    >>> fold("Opened  a\\u00a0MISSION")
    'opened a mission'
    >>> fold("Café Séoul"), fold("윤석열 대통령")
    ('cafe seoul', '윤석열 대통령')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", bare)).strip()


def matches(query: str, text: str) -> bool:
    """Whether ``query`` occurs in ``text`` once both are folded (an empty query matches everything)."""
    return fold(query) in fold(text)
