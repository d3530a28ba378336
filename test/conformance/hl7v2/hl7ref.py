"""hl7ref.py -- an independent reference for the documented HL7 v2 input rules.

Written from the doc comments of include/clinical/hl7v2.h and the SQL
comments of src/sql/10_hl7v2.sql, NOT from the C code, so that the
conformance runner can check the extension against the documentation:

  * charset (hl7v2(bytea)): the first repetition of MSH-18 names the
    character set: ASCII/US-ASCII, UNICODE UTF-8/UTF-8/UTF8, 8859/1/
    ISO-8859-1/ISO IR100/LATIN1, WINDOWS-1252/CP1252; empty = UTF-8;
    anything else is an error ("unsupported character set");
  * normalisation: a leading UTF-8 BOM is dropped; "\\r" and "\\r\\n" always
    end a segment; a lone "\\n" ends a segment only when what follows is the
    end of input, another "\\r"/"\\n" (blank line) or a segment start (3 of
    [A-Z0-9] followed by the field separator, a "\\r"/"\\n" or the end);
    otherwise it is kept as text; empty lines and trailing terminators are
    dropped; every segment is stored with a single "\\r";
  * checks: not empty, no NUL byte, valid UTF-8 (22021), starts with MSH
    (after the BOM and blank lines), MSH-1/MSH-2 a valid delimiter set
    (distinct, not CR/LF/NUL, < 0x80, the field separator not a letter or
    digit), every segment id
    exactly 3 of [A-Z0-9] followed by the field separator or the end;
    MSH-2 holds 1 to 5 characters;
  * batches (hl7_split_batch): MLLP bytes 0x0B/0x1C end a message and are
    dropped; lines end at CR, LF, CRLF; blank lines (only spaces/tabs)
    skipped; a BOM at a line start skipped; FHS/BHS/BTS/FTS lines skipped
    and end the current message; a message starts at a line beginning with
    "MSH" + a non-alphanumeric character; other lines outside a message
    form a GARBAGE item (an error for that item).
"""

import re

BOM = b"\xef\xbb\xbf"
IDCHARS = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class RefError(Exception):
    def __init__(self, sqlstate, message):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message


# ---------------------------------------------------------------- charsets

def _charset_key(name):
    s = name.upper()
    for c in " -_/":
        s = s.replace(c, "")
    return s


_CHARSETS = {
    "ASCII": "ascii", "USASCII": "ascii",
    "UNICODEUTF8": "utf-8", "UTF8": "utf-8",
    "88591": "latin-1", "ISO88591": "latin-1", "ISOIR100": "latin-1",
    "LATIN1": "latin-1",
    "WINDOWS1252": "cp1252", "CP1252": "cp1252",
}


def peek_charset(data):
    """First repetition of MSH-18 of raw bytes, or None (no MSH / no MSH-18)."""
    p = data[3:] if data.startswith(BOM) else data
    p = p.lstrip(b"\r\n\x0b")
    if len(p) < 4 or not p.startswith(b"MSH"):
        return None
    fs = p[3:4]
    line = re.split(b"[\r\n]", p, maxsplit=1)[0]
    fields = line.split(fs)          # fields[1] = MSH-2, fields[k] = MSH-(k+1)
    if len(fields) < 18:
        return None
    msh2 = fields[1]
    v = fields[17]
    if len(msh2) >= 2 and msh2[1:2] != fs:
        v = v.split(msh2[1:2])[0]
    return v


def classify_charset(cs):
    """Python codec name, or None when unsupported."""
    if cs is None:
        return "utf-8"
    try:
        key = _charset_key(cs.decode("latin-1"))
    except Exception:
        return None
    if key == "":
        return "utf-8"
    return _CHARSETS.get(key)


def decode_bytes(data):
    """bytes -> str as hl7v2(bytea) should read them (raises RefError)."""
    cs = peek_charset(data)
    codec = classify_charset(cs)
    if codec is None:
        raise RefError("22P02", "unsupported character set")
    if codec in ("latin-1", "cp1252"):
        # PostgreSQL's WIN1252 has 5 undefined bytes; none appear in the corpus
        return data.decode(codec, errors="strict")
    return decode_utf8(data)


def decode_utf8(data):
    if b"\x00" in data:
        raise RefError("22P02", "NUL byte in HL7 message")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RefError("22021", "invalid UTF-8 in HL7 message")


# ---------------------------------------------------------------- messages

def _is_alnum(ch):
    return ch.isascii() and ch.isalnum()


def _segment_start(s, i, fs):
    """s[i:] starts a segment: 3 of [A-Z0-9] then fs, CR, LF or the end."""
    if i + 3 > len(s):
        return False
    if not all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" for c in s[i:i + 3]):
        return False
    return i + 3 == len(s) or s[i + 3] in (fs, "\r", "\n")


_DELIM_NAMES = ["field separator", "component separator", "repetition separator",
                "escape character", "subcomponent separator", "truncation character"]


def check_delims(fs, msh2):
    ds = [fs] + list(msh2)
    for i, c in enumerate(ds):
        # only the field separator may not be a letter or digit; MSH-2 is
        # honoured as declared (hl7v2.h, "Delimiter rules")
        if (i == 0 and _is_alnum(c)) or c in "\r\n\x00" or ord(c) >= 0x80:
            raise RefError("22P02", "invalid HL7 %s" % _DELIM_NAMES[i])
        for j in range(i):
            if ds[j] == c:
                raise RefError("22P02", "HL7 %s and %s are the same character"
                               % (_DELIM_NAMES[j], _DELIM_NAMES[i]))


def _is_idchar(ch):
    return ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _segment_header_like(s, i, fs):
    """s[i:] starts with [A-Z0-9]+ directly followed by fs (at most 16
    characters ahead): a (possibly malformed) segment header, never text."""
    j = i
    while j < len(s) and j - i < 16 and _is_idchar(s[j]):
        j += 1
    return j > i and j < len(s) and s[j] == fs


def _blank_line_at(s, i):
    """s[i:] is a line of only spaces/tabs (then CR, LF or the end).
    The header calls such lines "blank"/"empty"; the batch rules define a
    blank line as one of only spaces and tabs, and we read both the same."""
    j = i
    while j < len(s) and s[j] in " \t":
        j += 1
    return j > i and (j == len(s) or s[j] in "\r\n")


def segments(text):
    """Splits a decoded message (str) per the documented rule and checks it.
    Returns the list of segment strings (no terminators)."""
    if "\x00" in text:
        raise RefError("22P02", "NUL byte in HL7 message")
    if text.startswith("\ufeff"):
        text = text[1:]
    i = 0
    while i < len(text) and text[i] in "\r\n":
        i += 1
    if i == len(text):
        raise RefError("22P02", "empty HL7 message")
    if not text.startswith("MSH", i):
        raise RefError("22P02", "HL7 message does not start with an MSH segment")
    if i + 3 >= len(text) or text[i + 3] in "\r\n":
        raise RefError("22P02", "MSH shorter than its encoding characters")
    fs = text[i + 3]
    msh_line = re.split("[\r\n]", text[i:], maxsplit=1)[0]
    rest = msh_line[4:]
    j = rest.find(fs)
    msh2 = rest if j < 0 else rest[:j]
    if j < 0 and len(msh2) < 4:
        raise RefError("22P02", "MSH shorter than its encoding characters")
    if len(msh2) == 0:
        raise RefError("22P02", "MSH-2 (encoding characters) is empty")
    if len(msh2) > 5:
        raise RefError("22P02", "MSH-2 has more than 5 encoding characters")
    check_delims(fs, msh2)

    segs = []
    start = i
    pos = i
    n = len(text)
    while start < n:
        # find the terminator of the segment starting at `start`
        k = pos
        while True:
            if k >= n:
                end, nxt = n, n
                break
            c = text[k]
            if c == "\r":
                end = k
                nxt = k + 2 if text.startswith("\r\n", k) else k + 1
                break
            if c == "\n":
                f = k + 1
                if f == n or text[f] in "\r\n" or _segment_start(text, f, fs) \
                        or _segment_header_like(text, f, fs) \
                        or _blank_line_at(text, f):
                    end, nxt = k, f
                    break
            k += 1
        seg = text[start:end]
        if seg.strip(" \t") != "":
            segs.append(seg)
        start = pos = nxt
    for no, seg in enumerate(segs, 1):
        if len(seg) < 3 or not all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                   for c in seg[:3]) \
                or (len(seg) > 3 and seg[3] != fs):
            raise RefError("22P02", "invalid segment id (expected 3 characters A-Z, 0-9 then the field separator)")
    return segs


def normalise(text):
    return "".join(s + "\r" for s in segments(text))


# ---------------------------------------------------------------- batches

_LINE = re.compile(r"\r\n|\r|\n|\x0b|\x1c")


def split_batch(text):
    """Items of a batch file, in order: ("message", str) / ("garbage", str).
    A message is the span of the input from its MSH line to the end of its
    last non-blank line (terminators inside kept as they are)."""
    items = []
    cur = None          # [kind, start, end] of the open item
    pos = 0
    n = len(text)

    def flush():
        nonlocal cur
        if cur is not None:
            items.append((cur[0], text[cur[1]:cur[2]]))
            cur = None

    blank_seen = False  # a blank line since the last line of the open message

    def seglike(content):
        return (len(content) >= 3 and all(_is_idchar(c) for c in content[:3])
                and (len(content) == 3 or not _is_alnum(content[3])))

    while pos < n:
        m = _LINE.search(text, pos)
        if m is None:
            lend, term, pos2 = n, "", n
        else:
            lend, term, pos2 = m.start(), m.group(), m.end()
        cstart = pos + 1 if text.startswith("\ufeff", pos) else pos
        content = text[cstart:lend]
        if content.strip(" \t") == "":
            kind = "blank"
        elif content.startswith("MSH") and len(content) >= 4 and not _is_alnum(content[3]):
            kind = "msh"
        elif content[:3] in ("FHS", "BHS", "BTS", "FTS") and (
                len(content) == 3 or not _is_alnum(content[3])):
            kind = "envelope"
        else:
            kind = "other"
        if kind == "msh":
            flush()
            cur = ["message", cstart, lend]
            blank_seen = False
        elif kind == "envelope":
            flush()
            blank_seen = False
        elif kind == "blank":
            blank_seen = True
        elif kind == "other":
            # after a blank line, only a segment continues a message
            if cur is not None and cur[0] == "message" and blank_seen and not seglike(content):
                flush()
            if cur is None:
                cur = ["garbage", pos, lend]
            else:
                cur[2] = lend
            blank_seen = False
        if term in ("\x0b", "\x1c"):
            flush()
        pos = pos2
    flush()
    return items
