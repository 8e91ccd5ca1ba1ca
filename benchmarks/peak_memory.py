"""Peak resident memory of this process, for the driver scripts (imported as ``peak_memory``).

On Linux ``getrusage().ru_maxrss`` is carried across fork and exec: a child started by a large
parent reports at least the parent's peak. ``VmHWM`` in ``/proc/self/status`` is the peak of
this process's own address space, so it is used where it exists.
"""

import resource


def peak_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
