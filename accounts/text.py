"""Look-alike usernames: a confusable skeleton, after Unicode TR39 (section 4).

Two usernames whose skeletons are equal look alike on screen ("alice" spelt
with a Cyrillic small a, and "alice"); the user model refuses a new name whose
skeleton another user's already has. Pure: no database, no Django.

TR39's skeleton maps every character through the confusables table of
Unicode's data files. No small, well-kept library on PyPI offers that function
(confusable-homoglyphs detects mixed scripts but has no skeleton; confusables
was last released in 2021), so this is the part of it that matters for
usernames, which Django limits to letters, digits and @.+-_ :
- NFKC first, which folds the compatibility forms (fullwidth and
  mathematical letters, ligatures, superscripts) to the plain letters they
  stand for;
- then the Cyrillic and Greek letters that look like a Latin one, in the case
  typed (the Cyrillic capital en looks like H, its small letter not like h),
  and TR39's own Latin pairs: capital I and the digit 1 as l, 0 as O, m as rn;
- then case folding, as usernames are case-insensitive here (names that
  differ in case only are refused as taken before this is asked).
Accents stay: "josé" and "jose" look different, and are.
"""

from __future__ import annotations

import hashlib
import unicodedata

# Each character that looks like a Latin letter (or digit), in the case it is
# typed, and that letter: the prototype of Unicode's confusables.txt for each
# (checked against it; the two differences say why); the small letters of Cyrillic that only
# resemble a Latin capital (ve, ka, em, en, te) are left out: a small ve, o, ve
# does not look like "bob", though the capitals look like "BOB".
LOOKALIKES = {
    # Cyrillic capitals
    "\u0410": "A",  # cyrillic capital letter a
    "\u0412": "B",  # cyrillic capital letter ve
    "\u0415": "E",  # cyrillic capital letter ie
    "\u041a": "K",  # cyrillic capital letter ka
    "\u041c": "M",  # cyrillic capital letter em
    "\u041d": "H",  # cyrillic capital letter en
    "\u041e": "O",  # cyrillic capital letter o
    "\u0420": "P",  # cyrillic capital letter er
    "\u0421": "C",  # cyrillic capital letter es
    "\u0422": "T",  # cyrillic capital letter te
    "\u0423": "Y",  # cyrillic capital letter u
    "\u0425": "X",  # cyrillic capital letter ha
    "\u0405": "S",  # cyrillic capital letter dze
    "\u0406": "l",  # cyrillic capital letter byelorussian-ukrainian i
    "\u0408": "J",  # cyrillic capital letter je
    "\u04ae": "Y",  # cyrillic capital letter straight u
    "\u04c0": "l",  # cyrillic letter palochka
    "\u051c": "W",  # cyrillic capital letter we
    # Cyrillic small letters
    "\u0430": "a",  # cyrillic small letter a
    "\u0435": "e",  # cyrillic small letter ie
    "\u043e": "o",  # cyrillic small letter o
    "\u0440": "p",  # cyrillic small letter er
    "\u0441": "c",  # cyrillic small letter es
    "\u0443": "y",  # cyrillic small letter u
    "\u0445": "x",  # cyrillic small letter ha
    "\u0455": "s",  # cyrillic small letter dze
    "\u0456": "i",  # cyrillic small letter byelorussian-ukrainian i
    "\u0458": "j",  # cyrillic small letter je
    "\u04af": "y",  # cyrillic small letter straight u
    "\u04bb": "h",  # cyrillic small letter shha
    "\u04cf": "l",  # cyrillic small letter palochka (TR39: i; it has no dot)
    "\u0501": "d",  # cyrillic small letter komi de
    "\u051b": "q",  # cyrillic small letter qa
    "\u051d": "w",  # cyrillic small letter we
    "\u0261": "g",  # latin small letter script g
    # Greek capitals
    "\u0391": "A",  # greek capital letter alpha
    "\u0392": "B",  # greek capital letter beta
    "\u0395": "E",  # greek capital letter epsilon
    "\u0396": "Z",  # greek capital letter zeta
    "\u0397": "H",  # greek capital letter eta
    "\u0399": "l",  # greek capital letter iota
    "\u039a": "K",  # greek capital letter kappa
    "\u039c": "M",  # greek capital letter mu
    "\u039d": "N",  # greek capital letter nu
    "\u039f": "O",  # greek capital letter omicron
    "\u03a1": "P",  # greek capital letter rho
    "\u03a4": "T",  # greek capital letter tau
    "\u03a5": "Y",  # greek capital letter upsilon
    "\u03a7": "X",  # greek capital letter chi
    "\u03f9": "C",  # greek capital lunate sigma symbol
    "\u037f": "J",  # greek capital letter yot
    # Greek small letters
    "\u03b1": "a",  # greek small letter alpha
    "\u03b3": "y",  # greek small letter gamma
    "\u03b7": "n",  # greek small letter eta (TR39: n with a line below)
    "\u03b9": "i",  # greek small letter iota
    "\u03bd": "v",  # greek small letter nu
    "\u03bf": "o",  # greek small letter omicron
    "\u03c1": "p",  # greek small letter rho
    "\u03c5": "u",  # greek small letter upsilon
    "\u03f2": "c",  # greek lunate sigma symbol
    "\u03f3": "j",  # greek letter yot
    # Latin letters and digits that look like others (TR39's own choices)
    "I": "l",
    "m": "rn",
    "\u0131": "i",  # latin small letter dotless i
    "\u0269": "i",  # latin small letter iota
    "0": "O",
    "1": "l",
}
_TABLE = str.maketrans(LOOKALIKES)


def skeleton(username: str) -> str:
    """The form of `username` that every name looking like it shares."""
    text = unicodedata.normalize("NFKC", username)
    # Decomposed, so that a Cyrillic ie with diaeresis maps like a plain one.
    text = unicodedata.normalize("NFD", text).translate(_TABLE)
    return unicodedata.normalize("NFC", text.casefold())


def skeleton_key(username: str) -> str:
    """The skeleton as stored and indexed: a SHA-256, as NFKC can make it long."""
    return hashlib.sha256(skeleton(username).encode()).hexdigest()
