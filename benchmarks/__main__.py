"""``python -m benchmarks``: run every benchmark and print its ratios."""

from benchmarks import list_experiences

list_experiences.main()
