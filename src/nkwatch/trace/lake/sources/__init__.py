"""Input formats the lake imports (ethereum-etl / BigQuery, bitcoin-etl, explorer CSV)."""
