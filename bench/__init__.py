"""Benchmark-only tools for `make bench` (bench/run): the synthetic catalog and the floor view.

The product never imports this package. Its `generate_catalog` command is always there;
the floor's URL is mounted only when settings.BENCH_FLOOR is on (bench/run sets it).
"""
