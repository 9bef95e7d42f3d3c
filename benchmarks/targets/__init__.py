"""What each part of the site contributes to benchmarks/http_bench.py: `targets(browser_class,
base_url, env)` in each module returns its `Target`s. The apps never import the benchmarks."""
