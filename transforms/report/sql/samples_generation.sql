-- The catalog's first commit, and its last commit other than a run's own ($run_commits: the commit
-- messages of a run's start, load and failure, and of the marking of dead runs).
select min(snapshot_time)::varchar,
       max(snapshot_id) filter (where commit_message is null or not regexp_matches(commit_message, $run_commits))
from lake.snapshots()
