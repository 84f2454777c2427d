# SPDX-License-Identifier: BSD-3-Clause
"""The daemon's --json-stats for the test checkers: every integer counter
summed by its name wherever it stands in the document (drop reasons,
protocol reasons and scalars share one namespace of names)."""


def leaf_sums(stats):
    counts = {}

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if isinstance(v, int):
                    counts[k] = counts.get(k, 0) + v
                else:
                    walk(v)
    walk(stats)
    return counts
