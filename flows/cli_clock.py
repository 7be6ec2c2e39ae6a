"""The command's start: `newsetl run`'s summary counts its wall time from the command line's first instruction."""
import time

STARTED = time.monotonic()
