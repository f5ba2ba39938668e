"""Command-line adapter: parses arguments, builds Settings once, calls the capability cores."""
