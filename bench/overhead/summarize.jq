# Helpers for the bench/overhead scripts' JSON summaries. Null entries (a run
# that measured nothing, e.g. run_cnt 0) are left out of every statistic.
def median: map(select(. != null)) | sort | if length == 0 then null
  elif length % 2 == 1 then .[length / 2 | floor]
  else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def stats: map(select(. != null)) | { min: (min), median: median, max: (max), n: length };
# p-th percentile, nearest rank (p in 0..100).
def pct(p): map(select(. != null)) | sort
  | if length == 0 then null else .[((p / 100) * length | ceil) - 1 | if . < 0 then 0 else . end] end;
def round3: if . == null then null else . * 1000 | round / 1000 end;
def round4: if . == null then null else . * 10000 | round / 10000 end;
