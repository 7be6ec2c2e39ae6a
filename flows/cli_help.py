"""The help texts of options several `newsetl` commands share."""

WAREHOUSE = "Warehouse folder (lake.sqlite, lake/, parquet/, quality/); env NEWSETL_WAREHOUSE."
CATALOG = ("The warehouse's catalog: postgresql://user@host/db for a catalog a team shares (data files stay in "
    "the warehouse folder); default the SQLite file in the folder; env NEWSETL_CATALOG.")
WORKERS = "Batch worker processes on this machine (default: one per core; 1 runs batches in this process); env NEWSETL_WORKERS."
DASK_ADDRESS = "Run the batches on the workers of this Dask scheduler (tcp://host:8786); env NEWSETL_DASK_ADDRESS."
VERBOSE = ("Show Prefect's own log lines (task runs, links, tracebacks) here instead of in the command's log file "
    "(logs/ in the state folder, NEWSETL_STATE_DIR).")
NOTIFY = ("Apprise URL (mailto://, json://, slack://, ...; repeat the flag for several) told of a FAIL verdict, a failed "
    "or crashed run and a stale warehouse; env NEWSETL_NOTIFY (URLs separated by spaces).")
NOTIFY_ON = "fail (the default), warn (WARN verdicts too) or all (every run); env NEWSETL_NOTIFY_ON."
