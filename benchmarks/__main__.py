"""``python -m benchmarks``: run every benchmark and print its ratios."""

from benchmarks import (
    bulk_export,
    import_time,
    limiter_simulation,
    list_experiences,
    rate_limit_servers,
    throttled_export,
    tracking,
    window_phases,
)

list_experiences.main()
print()
bulk_export.main()
print()
throttled_export.main()
print()
rate_limit_servers.main([])
print()
window_phases.main([])
print()
limiter_simulation.main([])
print()
tracking.main()
print()
import_time.main()
