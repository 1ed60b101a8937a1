"""The journal view's own mapping of the kernel's fold (`kernel`) to its PostgreSQL rows.

The fold itself (lessons, classes, marks, attendance, school rows, period marks, corrections) is
the kernel's; here are what only the view needs: what a batch changed, table by table (`diff`),
the monthly checks' rows (`checks`) and the erasures' rows (`erasures`). The adapter
(`services.journal.adapters.journal_projection`) does the loading and writing.
"""
