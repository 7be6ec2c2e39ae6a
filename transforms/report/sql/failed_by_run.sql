-- Failed expectations per run by severity, each counted once per table, expectation and column
-- however many batches failed it (the verdict rule).
select run_id, count(*) filter (where critical) as critical_failed,
       count(*) filter (where not critical) as warnings_failed
from (select distinct run_id, table_name, expectation, column_name, critical
      from quality_results where not success)
group by run_id
