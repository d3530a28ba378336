#!/usr/bin/python3
"""python3-hl7 parse rate on the benchmark messages (single process).

usage: bench_python.py hl7v2_messages.copy [LIMIT]
Prints one line: "python-hl7 <messages> <seconds> <messages/s> <MB/s>".
The messages are read and unescaped before the clock starts; the clock
covers only hl7.parse() of each message (str input, CR terminators).
"""
import re
import sys
import time

import hl7

_UNESC = re.compile(r"\\(.)")  # COPY text escapes written by gen_messages.py: \\ and \r


def main():
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    msgs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            _, m = line.rstrip("\n").split("\t", 1)
            # COPY text escapes written by gen_messages.py: \\ and \r only
            msgs.append(_UNESC.sub(lambda x: "\r" if x.group(1) == "r" else x.group(1), m))
            if limit and len(msgs) >= limit:
                break
    nbytes = sum(len(m.encode("utf-8")) for m in msgs)
    parse = hl7.parse
    t0 = time.perf_counter()
    for m in msgs:
        parse(m)
    dt = time.perf_counter() - t0
    print("python-hl7 %d %.3f %.1f %.3f" % (len(msgs), dt, len(msgs) / dt, nbytes / dt / 1e6))


if __name__ == "__main__":
    main()
