"""``python -m benchmarks``: run every benchmark and print its ratios."""

from benchmarks import bulk_export, list_experiences

list_experiences.main()
print()
bulk_export.main()
