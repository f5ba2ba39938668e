"""Bridges: decoders of the events and memos that carry value from one chain to another.

Public API: :func:`registry.decode_logs` (departures/arrivals from EVM logs), the THORChain
memo grammar (:func:`thorchain.parse_memo`), Bitcoin OP_RETURN memos
(:func:`btc_memo.output_memo`) and the Midgard actions reader (:func:`midgard.read_actions`).
"""
