"""Imported once by the forkserver that local Dask workers fork from (flows/batches.py): they start loaded."""
from flows.batches import preload_process

preload_process()
