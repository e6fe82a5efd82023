"""Whether this process was asked to stop (SIGTERM, from `atlas run` or a service manager).

A task with a safe point to stop at (a batch of mail, after the message in hand) checks
`requested` there; others run to their end. RQ's work horse sets it from the moment it starts
(runtime/workers.py), so a stop asked for while a task is getting ready is not missed.
"""

from __future__ import annotations

import threading

requested = threading.Event()
