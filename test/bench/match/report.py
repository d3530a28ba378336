"""Formats bench_result (k<TAB>v lines on stdin) as the Markdown of test/bench/results/match.md."""
import sys

r = {}
for line in sys.stdin:
    k, v = line.rstrip("\n").split("\t")
    r[k] = float(v)
n = int(r["records"])
pairs_per_s = r["candidate_pairs"] / r["clusters_s"] if r["clusters_s"] else 0
ours = r["train_s"] + r["clusters_s"]
print(f"### {n:,} identities\n")
print("| measure | pg_clinical | plain SQL (fuzzystrmatch + pg_trgm) | ratio |")
print("|---|---|---|---|")
print(f"| one-record lookup, mean of 500 probes | {r['lookup_gin_ms']:.2f} ms (GIN, `identity % probe`) | "
      f"{r['lookup_dba_ms']:.2f} ms (btree on `dmetaphone(family)` + `similarity(given) > 0.5`) | "
      f"{r['lookup_gin_ms'] / r['lookup_dba_ms']:.2f}x the time |")
print(f"| probes whose true match is found | {r['lookup_gin_recall']:.3f} | {r['lookup_dba_recall']:.3f} | |")
print(f"| the same lookup by a sequential scan scoring every row (3 probes) | {r['lookup_seq_ms']:.0f} ms | | "
      f"index {r['lookup_seq_ms'] / r['lookup_gin_ms']:.0f}x faster |")
print(f"| index build | {r['gin_build_s']:.1f} s (GIN, {r['gin_size_mb']:.0f} MB) | {r['dba_index_build_s']:.1f} s (btree) | |")
print(f"| linkage end to end | {ours:.1f} s (match_train {r['train_s']:.1f} s + match_clusters {r['clusters_s']:.1f} s) | "
      f"{r['dba_linkage_s']:.1f} s (blocking + scoring; threshold search not counted) | {ours / r['dba_linkage_s']:.2f}x the time |")
print(f"| candidate pairs | {int(r['candidate_pairs']):,} ({int(r['skipped_common_keys'])} keys shared by more than pg_clinical.match_max_block records skipped) | "
      f"{int(r['dba_candidate_pairs']):,} | {r['candidate_pairs'] / r['dba_candidate_pairs']:.2f}x the pairs |")
print(f"| pairs EM trains on | {int(r.get('sampled_pairs', r['candidate_pairs'])):,} (a fixed-seed sample of the candidate pairs) | | |")
print(f"| match_clusters pairs per second | {pairs_per_s:,.0f} | | |")
print(f"| pair F1 (true pairs {int(r['true_pairs']):,}) | {r['clusters_f1']:.6f} (clusters at 0.9, no labels) | "
      f"{r['dba_f1']:.6f} (threshold {r['dba_threshold']:.2f} picked with the labels) | {r['clusters_f1'] / r['dba_f1']:.4f} |")
