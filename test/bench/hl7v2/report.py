#!/usr/bin/python3
"""Turns the outputs of run.sh (build/bench/{sql,python,core}.out) into
test/bench/results/hl7v2.md: one table of ratios with the date and machine.

usage: report.py OUTDIR RESULTS_MD COUNT PY_COUNT
"""
import datetime
import os
import re
import subprocess
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main():
    outdir, results, py_count = sys.argv[1], sys.argv[2], int(sys.argv[4])
    sql = {}
    with open(os.path.join(outdir, "sql.out")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and re.match(r"^[a-z0-9_]+$", parts[0]):
                sql[parts[0]] = parts[1:]
    with open(os.path.join(outdir, "python.out")) as f:
        py = f.read().split()
    py_n, py_s, py_rate, py_mbs = int(py[1]), float(py[2]), float(py[3]), float(py[4])
    core = open(os.path.join(outdir, "core.out")).read() if os.path.exists(
        os.path.join(outdir, "core.out")) else ""
    m = re.search(r"([0-9.]+) MB/s, ([0-9.]+) messages/s", core)
    core_mbs = float(m.group(1)) if m else None
    core_mps = float(m.group(2)) if m else None

    ms = lambda k: float(sql[k][0])  # noqa: E731
    rows, nbytes = int(sql["rows"][0]), int(sql["rows"][1])
    sub_bytes = int(sql["bytes_subset"][0])
    pid8 = ms("pid8_jsonb") / ms("pid8_hl7")
    obx2 = ms("obx2_jsonb") / ms("obx2_hl7")
    parse_all = rows / (ms("parse_all") / 1000)
    parse_sub = py_count / (ms("parse_subset") / 1000)
    ratio = parse_sub / py_rate
    try:
        pgver = subprocess.run(["psql", "-XAtc", "show server_version"], capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        pgver = ""
    size = sql.get("size", ["0", "0", "0"])

    def ok(cond):
        return "met" if cond else "**NOT met**"

    lines = []
    lines.append("# HL7 v2 benchmark results\n")
    lines.append("Produced by `bash test/bench/hl7v2/run.sh` (generator, SQL and scripts in "
                 "`test/bench/hl7v2/`). Machines are noisy and shared: compare the **ratios**, "
                 "not the absolute times. Every SQL time is the best of 3 runs after a warm-up, "
                 "single process (`max_parallel_workers_per_gather = 0`, `jit = off`).\n")
    lines.append("- date: %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    lines.append("- machine: %d CPUs (nproc), %s; PostgreSQL %s" % (os.cpu_count(), cpu_model(), pgver))
    lines.append("- data: %d generated messages (25%% ADT^A01, 25%% ADT^A08, 50%% ORU^R01, "
                 "seed 20240601), %.1f MB, average %.0f bytes; table sizes text %.0f MB, "
                 "hl7v2 %.0f MB, jsonb %.0f MB"
                 % (rows, nbytes / 1e6, nbytes / rows, int(size[0]) / 1e6, int(size[1]) / 1e6,
                    int(size[2]) / 1e6))
    lines.append("")
    lines.append("| measure | hl7v2 | comparison | ratio | target |")
    lines.append("|---|---|---|---|---|")
    lines.append("| `count(*) WHERE msg ->> 'PID-8' = 'F'` vs `doc #>> '{segments,1,8}'` | %.0f ms "
                 "| %.0f ms | jsonb / hl7v2 = **%.2f** | >= 1 (no slower): %s |"
                 % (ms("pid8_hl7"), ms("pid8_jsonb"), pid8, ok(pid8 >= 1)))
    lines.append("| `hl7_get(msg, 'OBX(2)-5')` vs `jsonb_path_query_array(doc, 'strict $.segments[*] ? (@[0] == \"OBX\")') -> 1 ->> 5` "
                 "| %.0f ms | %.0f ms | jsonb / hl7v2 = **%.2f** | >= 1: %s |"
                 % (ms("obx2_hl7"), ms("obx2_jsonb"), obx2, ok(obx2 >= 1)))
    lines.append("| parse rate: `count(t::hl7v2)` over the first %d messages vs python3-hl7 `hl7.parse` "
                 "on the same messages | %.0f msg/s (%.1f MB/s) | %.0f msg/s (%.2f MB/s) | SQL / python = **%.0fx** "
                 "| >= 100x: %s |"
                 % (py_count, parse_sub, sub_bytes / (ms("parse_subset") / 1000) / 1e6, py_rate,
                    py_mbs, ratio, ok(ratio >= 100)))
    lines.append("| parse rate over all %d messages (`count(t::hl7v2)`, incl. reading the text table) "
                 "| %.0f msg/s (%.1f MB/s) | reading + copying each text alone (`count(t || '')`): %.0f ms "
                 "vs %.0f ms with parsing | | |"
                 % (rows, parse_all, nbytes / (ms("parse_all") / 1000) / 1e6, ms("scan_text_all"),
                    ms("parse_all")))
    if core_mbs is not None:
        lines.append("| C core `hl7_parse_image` (test/bench/hl7v2_core_bench.c, same messages, "
                     "gcc -O2) | **%.0f MB/s** (%.0f msg/s) | | %.2f GB/s | >= 1 GB/s: %s |"
                     % (core_mbs, core_mps, core_mbs / 1000, ok(core_mbs >= 1000)))
    else:
        lines.append("| C core | not run (test/bench/hl7v2_core_bench.c missing or did not compile) | | | |")
    lines.append("")
    lines.append("Notes")
    lines.append("- python3-hl7 (Debian package, %s) parses %d messages in %.1f s; it runs on "
                 "`str` input, the time excludes reading the file. The SQL parse rate includes the "
                 "executor, reading and detoasting the text column and building the stored image "
                 "with its segment index." % (py_version(), py_n, py_s))
    lines.append("- `msg ->> 'PID-8'` jumps to PID through the segment index; `doc #>> "
                 "'{segments,1,8}'` is the fixed-position jsonb path (PID is the 2nd segment of "
                 "every generated message), which is the most favourable case for jsonb. The OBX(2) "
                 "comparison needs a filter in jsonb because the position of the 2nd OBX varies.")
    c1, c2 = sql.get("check_pid8", ["?", "?"]), sql.get("check_obx2", ["?"])
    same = c1[0] == c1[1] and c2[0] == "0"
    lines.append("- both forms give the same answers (checked before timing): PID-8 = 'F' in %s (hl7v2) / "
                 "%s (jsonb) messages; OBX(2)-5 differs in %s messages%s."
                 % (c1[0], c1[1], c2[0], "" if same else " — **the comparison is not like for like**"))
    lines.append("")
    with open(results, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def py_version():
    try:
        import hl7
        return "python-hl7 " + hl7.get_version() if hasattr(hl7, "get_version") else "python-hl7"
    except Exception:
        return "python-hl7"


if __name__ == "__main__":
    main()
