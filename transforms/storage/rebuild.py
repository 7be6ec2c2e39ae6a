"""The lake recreated from the staged archive alone."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from newsetl.transforms.codes import COMPLETED
from newsetl.transforms.lake import connect
from newsetl.transforms.storage.commit import insert_run, retry_commit, stage_views
from newsetl.transforms.storage.schema import SCHEMAS, apply_schema
from newsetl.transforms.storage.staging import end_markers, staged_files
from newsetl.transforms.storage.swaps import part_views, reprocess_tables, swap_in


def rebuild(warehouse: str | Path) -> dict[str, int]:
    """Recreate the lake's tables from the archive alone, one commit; returns each table's row count.

    The runs whose end marker says completed are loaded in order, exactly as their runs loaded them;
    failed runs keep their runs row only.
    """
    markers = end_markers(warehouse).sort_values("run_id")
    with connect(warehouse) as con:
        # The notifications sent are no run's staged rows: the archive could not give them back.
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = 'lake' "
                                            "and table_name not in ('german_stopwords', 'notifications')").fetchall()]

        def commit() -> None:
            con.execute("begin")
            for table in tables:
                con.execute(f"drop table {table}")
            apply_schema(con)
            for row in markers.to_dict("records"):
                if row["kind"] == "reprocess":
                    for part in sorted(staged_files(warehouse, "reprocessed", row["run_id"])):
                        part_views(con, warehouse, row["run_id"], part.stem, ["reprocessed"])
                        stages = [s for (s,) in con.execute("select distinct stage from staged_reprocessed").fetchall()]
                        part_views(con, warehouse, row["run_id"], part.stem, reprocess_tables(stages))
                        swap_in(con, stages)
                if row["status"] == COMPLETED and row["kind"] != "reprocess":
                    stage_views(con, warehouse, row["run_id"])
                    insert_run(con, row)
                else:
                    con.register("failed_row", pd.DataFrame([row]))
                    con.execute("insert into runs by name select * from failed_row")
                    con.unregister("failed_row")
            con.execute("call lake.set_commit_message('newsetl', 'rebuild')")
            con.execute("commit")

        retry_commit(commit)
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in [*SCHEMAS, "entities"]}
