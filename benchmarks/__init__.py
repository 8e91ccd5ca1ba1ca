"""Benchmarks: the skill against a minimal ask-sdk-core baseline, measured in the same run.

``make bench`` (or ``python -m benchmarks.run``) prints the figures. The scripts that run in fresh
processes (``cold.py``, ``warm.py``, ``phases.py``, ``storecalls.py``) import nothing from this
package but the tiny ``peak_memory`` (``cold.py`` only after its timings), so each measures only
what its target imports.
"""
