"""B4's peer: DuckDB running the dashboard's aggregates over the same rows, in its own format, in the same run.

Usage: duckdb_peer.py DIR RUNS QUERY_JSON
DIR holds clicks.csv, players.csv and money.csv (exported from the Affops workspace by affops-bench b4-query);
they are loaded into a DuckDB database file (untimed), then each query of QUERY_JSON ({name: [kind, from, to]}) runs
RUNS times warm after one untimed run. Prints one JSON object: {name: [milliseconds per run]}.
"""

import json
import os
import sys
import time

import duckdb

COUNTRY = """
WITH r AS (SELECT country, COUNT(*) AS n FROM players WHERE day BETWEEN $from AND $to GROUP BY 1),
     f AS (SELECT p.country, SUM(m.is_ftd) AS ftds, SUM(m.amount_micros) AS deposits
             FROM money m JOIN players p ON p.id = m.player_id
            WHERE m.kind = 'deposit' AND m.day BETWEEN $from AND $to GROUP BY 1)
SELECT * FROM r FULL OUTER JOIN f USING (country) ORDER BY 1
"""

COHORTS = """
SELECT date_trunc('month', p.day) AS cohort, date_trunc('month', m.day) AS month, COUNT(DISTINCT m.player_id) AS active,
       SUM(m.amount_micros) AS deposits
  FROM money m JOIN players p ON p.id = m.player_id
 WHERE p.day BETWEEN $from AND $to AND m.kind = 'deposit'
 GROUP BY 1, 2 ORDER BY 1, 2
"""

FUNNEL = """
WITH c AS (SELECT affiliate_id, COUNT(*) AS n FROM clicks WHERE day BETWEEN $from AND $to GROUP BY 1),
     r AS (SELECT affiliate_id, COUNT(*) AS n FROM players WHERE day BETWEEN $from AND $to GROUP BY 1),
     f AS (SELECT p.affiliate_id, COUNT(*) AS n, SUM(m.amount_micros) AS amount
             FROM money m JOIN players p ON p.id = m.player_id
            WHERE m.is_ftd = 1 AND m.day BETWEEN $from AND $to GROUP BY 1)
SELECT a.affiliate_id, c.n, r.n, f.n, f.amount
  FROM (SELECT DISTINCT affiliate_id FROM clicks) a
  LEFT JOIN c USING (affiliate_id) LEFT JOIN r USING (affiliate_id) LEFT JOIN f USING (affiliate_id)
 ORDER BY c.n DESC NULLS LAST
"""


def main() -> None:
    folder, runs, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    con = duckdb.connect(os.path.join(folder, "peer.duckdb"))
    for table in ("clicks", "players", "money"):
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{os.path.join(folder, table + '.csv')}', header = true)"
        )
    con.execute("CHECKPOINT")
    out = {}
    sql = {"dashboard": FUNNEL, "country": COUNTRY, "cohorts": COHORTS}
    for name, (kind, start, end) in queries.items():
        params = {"from": start, "to": end}
        query = sql[kind]
        con.execute(query, params).fetchall()
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            rows = con.execute(query, params).fetchall()
            times.append((time.perf_counter() - t) * 1000.0)
            assert rows, "the peer's funnel is empty"
        out[name] = times
    print(json.dumps(out))


if __name__ == "__main__":
    main()
