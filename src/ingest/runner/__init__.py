"""Running a batch: the one run skeleton (`pipeline`: lock, plan, process, cross-document step, dedup,
commit, summary), what a run has to do (`plan`), the work units and their rescue when a worker dies
(`units`), the process pools that execute them (`pool` for the library and CLI, `batch_pool` for the
Prefect flow's threads), the cross-document step over the spilled run (`recurring`), the run summary
(`summary`) and its report (`report`). The Prefect flow in flows/ plugs its own executor into the same
skeleton.

May import: every other package of ingest except the CLI.
"""
