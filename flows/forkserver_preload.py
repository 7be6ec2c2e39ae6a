"""Imported once by the forkserver that local worker processes fork from (flows/batches.py): they start loaded."""
import os

from newsetl.flows.process_preload import preload_process

# Out of the terminal's process group, with the workers it forks: a Ctrl-C reaches the command alone, which
# stops them in order (flows/stopping.py).
os.setpgid(0, 0)
preload_process()
