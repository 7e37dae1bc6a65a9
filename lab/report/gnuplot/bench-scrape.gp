# Scrape latency against the series count each /metrics carried: retx-exporter at every stage,
# node_exporter (scraped alternately in the same stage) at its own, fixed series count.
# Median with a bar up to p99. Input: scrape.tsv (bench-data.jq).
#legend point-pt7 #0072B2 retx-exporter (median, bar to p99)
#legend point-pt5 #E69F00 node_exporter, same stage (median, bar to p99)
load gp."/common.gp"
set logscale x
set logscale y
set xlabel "series in the scraped /metrics"
set ylabel "scrape latency, ms"
plot dir."/scrape.tsv" using 1:2:(0):($3-$2) with vectors heads size screen 0.006,90 lc rgb "#0072B2" notitle, \
     dir."/scrape.tsv" using 1:2 with lines lc rgb "#0072B2" notitle, \
     dir."/scrape.tsv" using 4:5:(0):($6-$5) with vectors heads size screen 0.006,90 lc rgb "#E69F00" notitle, \
     dir."/scrape.tsv" using 1:2 with points pt 7 ps 1.3 lc rgb "#0072B2" notitle, \
     dir."/scrape.tsv" using 4:5 with points pt 5 ps 1.2 lc rgb "#E69F00" notitle
