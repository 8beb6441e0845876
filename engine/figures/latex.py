"""Any label as text pdflatex typesets: TeX's special characters escaped and the Unicode the
app's labels use (Greek, ×, −, ·, super- and subscripts) written as maths, so that a file
exported from any graph compiles. A character with no TeX form becomes ``?``, never an error."""

from __future__ import annotations

import unicodedata

SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
           "#": r"\#", "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "<": r"\textless{}",
           ">": r"\textgreater{}", "|": r"\textbar{}"}
MATH = {"×": r"\times", "−": "-", "·": r"\cdot", "÷": r"\div", "½": r"\frac{1}{2}",
        "‖": r"\|", "∂": r"\partial", "∈": r"\in", "≈": r"\approx", "→": r"\to", "←": r"\leftarrow",
        "≤": r"\leq", "≥": r"\geq", "∞": r"\infty", "√": r"\surd", "∑": r"\Sigma", "…": r"\ldots",
        "ε": r"\epsilon", "ϵ": r"\epsilon"}
SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀᵖˣⁱⁿ", "0123456789+-Tpxin"))
SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ₐₑₓᵢⱼₙ", "0123456789+-aexijn"))
GREEK_NAMES = {"lamda": "lambda"}
TEX_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
             "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
             "chi", "psi", "omega"}
LATIN_LOOKALIKE = {"alpha": "A", "beta": "B", "epsilon": "E", "zeta": "Z", "eta": "H",
                   "iota": "I", "kappa": "K", "mu": "M", "nu": "N", "omicron": "O", "rho": "P",
                   "tau": "T", "chi": "X"}      # TeX has no \Alpha: the Latin capital reads alike


def _greek(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    for prefix, upper in (("GREEK SMALL LETTER ", False), ("GREEK CAPITAL LETTER ", True)):
        if name.startswith(prefix) and " " not in name[len(prefix):]:
            word = name[len(prefix):].lower()
            word = GREEK_NAMES.get(word, word)
            if word not in TEX_GREEK and word != "omicron":
                return None
            if word == "omicron":
                return "O" if upper else "o"
            if upper:
                if word in LATIN_LOOKALIKE:
                    return f"\\mathrm{{{LATIN_LOOKALIKE[word]}}}"
                word = word.capitalize()
            return "\\" + word
    return None


def tex_text(text: str) -> str:
    """``text`` (any Unicode) as LaTeX text-mode source."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", str(text)):
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
        elif " " <= ch <= "~":
            out.append(ch)
        elif ch in ("\n", "\t", "\r"):
            out.append(" ")
        elif ch in MATH:
            out.append(f"\\ensuremath{{{MATH[ch]}}}")
        elif ch in SUPER:
            out.append(f"\\ensuremath{{^{{{SUPER[ch]}}}}}")
        elif ch in SUB:
            out.append(f"\\ensuremath{{_{{{SUB[ch]}}}}}")
        elif unicodedata.combining(ch):
            continue                     # x̄: the accent is dropped, the letter stays
        elif (greek := _greek(ch)) is not None:
            out.append(f"\\ensuremath{{{greek}}}")
        else:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            plain = "".join(c for c in plain if " " <= c <= "~" and c not in SPECIAL)
            out.append(plain or "?")
    return "".join(out)
