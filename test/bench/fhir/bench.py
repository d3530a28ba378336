#!/usr/bin/env python3
"""Runs the FHIR benchmark queries (see run.sh) and writes the results table.
Each timing is the best of 3 after a warm-up, single process, jit off."""
import datetime
import os
import re
import subprocess
import sys

shared_fhir, ndjson, psql, db, results = sys.argv[1:6]


def run(sql, capture=True):
    p = subprocess.run([psql, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db],
                       input=sql.encode(), capture_output=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors='replace'))
        sys.exit(1)
    return p.stdout.decode()


def hexrows(paths):
    for path in paths:
        with open(path, 'rb') as fh:
            yield os.path.basename(path) + '\t' + fh.read().hex() + '\n'


def timed(query, reps=3, before=None):
    """Best of reps (after a warm-up) of one statement; before, if given, runs
    untimed ahead of each repetition (e.g. a TRUNCATE)."""
    sql = "SET jit = off; SET max_parallel_workers_per_gather = 0;\n"
    for _ in range(reps + 1):
        if before:
            sql += "\\timing off\n" + before + ";\n"
        sql += "\\timing on\n" + query + ";\n\\timing off\n"
    out = run(sql)
    times = [float(t) for t in re.findall(r'Time: ([0-9.]+) ms', out)]
    return min(times[1:])


ex_json = sorted(os.path.join(shared_fhir, 'spec-examples-r4/json', f)
                 for f in os.listdir(os.path.join(shared_fhir, 'spec-examples-r4/json')))
ex_xml = sorted(os.path.join(shared_fhir, 'spec-examples-r4/xml', f)
                for f in os.listdir(os.path.join(shared_fhir, 'spec-examples-r4/xml')))
synthea = sorted(os.path.join(shared_fhir, 'synthea', f)
                 for f in os.listdir(os.path.join(shared_fhir, 'synthea')) if f.endswith('.json'))

setup = "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_clinical;\n"
setup += "CREATE TABLE hexdocs (kind text, name text, hex text);\n"
for kind, paths in (('example', ex_json), ('xml', ex_xml), ('synthea', synthea)):
    setup += "COPY hexdocs (name, hex) FROM STDIN;\n" + ''.join(hexrows(paths)) + "\\.\n"
    setup += "UPDATE hexdocs SET kind = '%s' WHERE kind IS NULL;\n" % kind
setup += """
CREATE TABLE docs AS SELECT kind, name, convert_from(decode(hex, 'hex'), 'UTF8') AS t FROM hexdocs;
CREATE TABLE gen (t text);
\\copy gen FROM '%s' WITH (FORMAT text)
ANALYZE docs; ANALYZE gen;
""" % os.path.abspath(ndjson).replace("'", "''")
run(setup)

rows = []


def compare(label, fhir_q, jsonb_q, note='', fhir_before=None, jsonb_before=None):
    f = timed(fhir_q, before=fhir_before)
    j = timed(jsonb_q, before=jsonb_before)
    rows.append((label, f, j, f / j, note))


# shared data set: official examples (x20 to make it measurable) and Synthea
compare('official R4 examples (755 docs x 20), count(t::fhir) vs count(t::jsonb)',
        "SELECT count(t::fhir) FROM docs, generate_series(1, 20) WHERE kind = 'example'",
        "SELECT count(t::jsonb) FROM docs, generate_series(1, 20) WHERE kind = 'example'")
compare('Synthea Bundles (30 docs, 22.9 MB, x3), count(t::fhir) vs count(t::jsonb)',
        "SELECT count(t::fhir) FROM docs, generate_series(1, 3) WHERE kind = 'synthea'",
        "SELECT count(t::jsonb) FROM docs, generate_series(1, 3) WHERE kind = 'synthea'")
n = int(run("\\pset tuples_only on\nSELECT count(*) FROM gen;").strip())
compare('%d generated Patients and Observations, count(t::fhir) vs count(t::jsonb)' % n,
        "SELECT count(t::fhir) FROM gen", "SELECT count(t::jsonb) FROM gen")
run("CREATE TABLE lf (r fhir); CREATE TABLE lj (r jsonb);")
compare('%d generated, loading a table: INSERT INTO fhir column vs jsonb column' % n,
        "INSERT INTO lf SELECT t::fhir FROM gen", "INSERT INTO lj SELECT t::jsonb FROM gen",
        'TRUNCATE before each run, untimed',
        fhir_before="TRUNCATE lf", jsonb_before="TRUNCATE lj")
# jsonb -> fhir (validating stored jsonb)
run("TRUNCATE lj; INSERT INTO lj SELECT t::jsonb FROM gen;")
compare('%d generated, validating stored jsonb: count(r::fhir) vs count(r::text::jsonb)' % n,
        "SELECT count(r::fhir) FROM lj", "SELECT count(r::text::jsonb) FROM lj",
        'reference: a jsonb text round trip')

xml_ms = timed("SELECT count(fhir_from_xml(t)) FROM docs, generate_series(1, 10) WHERE kind = 'xml'")
xml_bytes = int(run("\\pset tuples_only on\nSELECT sum(octet_length(t)) FROM docs WHERE kind = 'xml';").strip()) * 10
xmlparse_ms = timed("SELECT count(xmlparse(document t)) FROM docs, generate_series(1, 10) WHERE kind = 'xml'")
to_xml_ms = timed("SELECT count(fhir_to_xml(t::fhir)) FROM docs, generate_series(1, 10) WHERE kind = 'example'")
to_json_ms = timed("SELECT count(t::fhir) FROM docs, generate_series(1, 10) WHERE kind = 'example'")

cpu = ''
try:
    with open('/proc/cpuinfo') as fh:
        for line in fh:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
except OSError:
    pass
ver = run("\\pset tuples_only on\nSELECT version();").strip()

lines = ['# FHIR benchmark results', '',
         'Produced by `bash test/bench/fhir/run.sh` (generator and queries in `test/bench/fhir/`). '
         'Compare the **ratios**: the machines are shared and noisy. Each time is the best of 3 '
         'after a warm-up, single process (`jit = off`, no parallel workers); '
         '`pg_clinical.fhir_validation = strict` (the default).', '',
         '- date: %s' % datetime.datetime.now().strftime('%Y-%m-%d %H:%M'),
         '- machine: %d CPUs, %s; %s' % (os.cpu_count(), cpu, ver.split(',')[0]), '',
         '| measure | fhir (ms) | jsonb (ms) | fhir / jsonb | note |', '|---|---|---|---|---|']
for label, f, j, r, note in rows:
    lines.append('| %s | %.0f | %.0f | **%.2f** | %s |' % (label, f, j, r, note))
lines += ['', 'Target: strict validation costs at most 1.5x plain jsonb input.', '',
          '| XML | time (ms) | throughput |', '|---|---|---|',
          '| `fhir_from_xml` over the 755 official XML examples x 10 | %.0f | %.1f MB/s of XML, %.0f docs/s |'
          % (xml_ms, xml_bytes / 1e6 / (xml_ms / 1000), 7550 / (xml_ms / 1000)),
          '| reference: `xmlparse(document ...)` (libxml2 parse only, no conversion) | %.0f | %.1f MB/s |'
          % (xmlparse_ms, xml_bytes / 1e6 / (xmlparse_ms / 1000)),
          '| `fhir_to_xml(t::fhir)` over the 755 JSON examples x 10 (incl. the fhir input) | %.0f | vs %.0f ms for the fhir input alone |'
          % (to_xml_ms, to_json_ms)]
text = '\n'.join(lines) + '\n'
with open(results, 'w') as fh:
    fh.write(text)
print(text)
