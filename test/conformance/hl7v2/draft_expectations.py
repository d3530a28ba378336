#!/usr/bin/python3
"""Drafts expectations.tsv from the DOCUMENTED rules (hl7ref.py), never from
the server, plus the reasons written by hand after reading each odd file.

usage: draft_expectations.py DATA_DIR > expectations.tsv.new
then REVIEW the diff against expectations.tsv before replacing it: a change
of outcome must be explained by a change of the documented rules in
include/clinical/hl7v2.h (and hl7ref.py), not by what the code does today.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import hl7ref  # noqa: E402
from conformance import is_batch_file, read_tsv  # noqa: E402

# hand-written reasons: (substring of the path, reason)
REASONS = [
    ('fn-receiver-debatcher/src/test/resources/genV1/Genv1-Case-TestMessage1.HL7',
     'three "junk" lines precede MSH; a single message must start with MSH after the BOM and blank lines'),
    ('Lyme_WithBadDelimiters', 'MSH-2 is "&&&&": delimiters must be distinct'),
    ('parser/uuencoded', 'a uuencoded WAV OBX-5 payload (raw or HL7-escaped), not a message: no MSH'),
    ('util/messages.txt',
     'comment lines: the leading /* */ block is text outside any message (item 1); a "// ..." line '
     'after a blank line does not look like a segment, so by the documented batch rule it ends the '
     'message before it and is itself text outside any message (a bad item); the 18 messages are good'),
    ('test_core_L1177', 'MSH|||: MSH-2 empty'),
    ('test_parser_L0184', 'MSH|||: MSH-2 empty'),
    ('test_parser_L0200', 'MSH-2 "@%\\&$?!" has 7 characters (max 5)'),
    ('test_parser_L0203', 'MSH-2 "^~\\&#$" has 6 characters (max 5)'),
    ('test_parser_L0218', 'MSH-2 "^&&^##" has 6 characters (max 5)'),
    ('test_parser_L0215', 'MSH-2 "^&&^": repeated delimiters'),
    ('test_to_string_L0049', 'custom set "!$r?@": field separator "!" is not alphanumeric; the letter r '
     'as repetition separator is allowed (MSH-2 is honoured as declared)'),
    ('sample_unix.hl7', 'MSH-2 "^~\\\\&" (doubled backslash, an escaping artefact upstream): escape and '
     'subcomponent separator are both "\\"'),
    ('sample_win.hl7', 'MSH-2 "^~\\\\&" (doubled backslash, an escaping artefact upstream): escape and '
     'subcomponent separator are both "\\"'),
    ('.xml', 'Mirth XML serialisation, not an ER7 message: no MSH'),
    ('single-field-output.txt', 'a bare field value, not a message: no MSH'),
    ('single-segment-output.txt', 'a bare PID segment, not a message: no MSH'),
    ('invalid-missing-msh', 'starts with PID: no MSH'),
    ('invalid-segment-header-length',
     'REJECT: "PIDX|..." and "PV|..." begin with [A-Z0-9]+ then the field separator, so the documented '
     'LF rule takes them as (malformed) segment headers, not text, and their ids are invalid -- the '
     'same outcome as with CR terminators'),
    ('invalid-trailing-empty-fields', 'trailing empty fields are structurally valid'),
    ('invalid-wrong-version', 'MSH-12 = 1.0 is not checked by the structural parser'),
    ('NO_MSH', 'an MSH field is empty/missing (a profile error), structurally valid'),
    ('stackoverflow', 'MSH-2 is the single character "^" followed by a field separator: allowed (1 to 5)'),
    ('LegacyPipeParser/HL7Exception/ioor1', 'MSH-2 is the single character "0" followed by a field '
     'separator: allowed (1 to 5; encoding characters may be digits)'),
    ('LegacyPipeParser/HL7Exception/sys', 'MSH-2 is the single character "0" followed by a field '
     'separator: allowed (1 to 5; encoding characters may be digits)'),
    ('test_parser_L0187', 'MSH-2 "^~\\" (3 characters) followed by a field separator: allowed'),
    ('test_parser_L0192', 'MSH-2 "@%\\" custom 3-character set followed by a field separator: allowed'),
    ('segmentfinder_a24', 'field separator "^" with MSH-2 "~|\\&": a valid custom set'),
    ('ARBOVIRAL_V1_3_TM_CN_TC11', 'a line of only spaces at the end is blank and dropped'),
    ('Sample-ADT.txt', 'an empty line and a line of one space between segments are blank and dropped'),
    ('sample_bad_batch.hl7', 'BHS then EVN/PID... without MSH: the segments are text outside any message'),
    ('sample_bad_file.hl7', 'FHS/BHS then segments without MSH: text outside any message'),
    ('sample_bad_file3', 'FHS then EVN/PID... without MSH: text outside any message'),
    ('sample_bad_batch1', 'a second BHS ends the first message; the PID/PD1/NK1/PV1 after it are outside '
     'any message; skip_bad returns the first message'),
    ('sample_bad_file1', 'a second BHS ends the first message; the segments after it are outside any '
     'message; skip_bad returns the first message'),
    ('sample_bad_file2', 'a second FHS ends the first message; the segments after it are outside any '
     'message; skip_bad returns the first message'),
    ('GenV1_Batch_No_headers', 'several MSH without FHS/BHS: split at each MSH line'),
]
# nHapi fuzzer inputs: the defects found in them
DEFECTS = [
    ('NUL byte', 'contains a NUL byte'),
    ('invalid UTF-8', 'invalid UTF-8 bytes'),
    ('character set', 'MSH-18 is not a supported character set'),
    ('same character', 'repeated delimiter characters in MSH-2'),
    ('invalid HL7 ', 'a control/non-ASCII byte or alphanumeric field separator as delimiter'),
    ('segment id', 'a line that is not a segment (bad id)'),
    ('MSH shorter', 'MSH ends inside MSH-2'),
    ('is empty', 'MSH-2 empty'),
    ('does not start', 'a control byte before MSH'),
]


def struct_err(text):
    try:
        hl7ref.segments(text)
        return None
    except hl7ref.RefError as e:
        return e


def single_alternatives(b):
    """Every error the documented checks allow for these bytes (the header
    does not fix the order in which independent checks run)."""
    alts = []
    codec = hl7ref.classify_charset(hl7ref.peek_charset(b))
    if codec is None:
        alts.append('22P02:invalid HL7 v2 message: unsupported character set*')
    if b'\0' in b:
        alts.append('22P02:invalid HL7 v2 message: NUL byte in HL7 message*')
    try:
        b.decode(codec or 'utf-8')
    except UnicodeDecodeError:
        alts.append('22021:invalid HL7 v2 message: invalid UTF-8 in HL7 message*')
    e = struct_err(b.decode(codec or 'utf-8', 'replace').replace('\0', ''))
    if e:
        alts.append('%s:invalid HL7 v2 message: %s*' % (e.sqlstate, e.message))
    return alts


def reason(f, outcome, mode, err):
    for k, v in REASONS:
        if k in f:
            return v
    if 'BadInputs' in f:
        found = [v for k, v in DEFECTS if k in err]
        r = 'nHapi fuzzer input: ' + '; '.join(dict.fromkeys(found))
        return r + (' (any of the listed errors is acceptable)' if ' || ' in err else '')
    if outcome == 'accept':
        return 'well-formed batch (envelopes / several MSH)' if mode == 'batch' else 'well-formed message'
    return '?'


def main():
    data_dir = sys.argv[1]
    print('# HL7 v2 conformance expectations, one line per file of MANIFEST.tsv; see README.md here.')
    print('# error: "SQLSTATE:message pattern" (fnmatch, * = anything); several separated by " || ".')
    print('\t'.join(['file', 'mode', 'outcome', 'messages', 'error', 'reason']))
    for row in read_tsv(os.path.join(data_dir, 'MANIFEST.tsv')):
        f = row['file']
        with open(os.path.join(data_dir, f), 'rb') as fh:
            b = fh.read()
        if not is_batch_file(row, b):
            alts = single_alternatives(b)
            mode = 'single'
            outcome, n, err = ('reject', 0, ' || '.join(alts)) if alts else ('accept', 1, '')
        else:
            mode = 'batch'
            good, err = 0, ''
            for k, (kind, s) in enumerate(hl7ref.split_batch(hl7ref.decode_utf8(b)), 1):
                if kind == 'garbage':
                    e = '22P02:invalid message %d of the batch: text outside any message*' % k
                else:
                    x = struct_err(s)
                    e = None if x is None else '%s:invalid message %d of the batch: %s*' % (
                        x.sqlstate, k, x.message)
                if e is None:
                    good += 1
                elif not err:
                    err = e
            outcome = 'accept' if not err else ('partial' if good else 'reject')
            n = good
        print('\t'.join([f, mode, outcome, str(n), err, reason(f, outcome, mode, err)]))


if __name__ == '__main__':
    main()
