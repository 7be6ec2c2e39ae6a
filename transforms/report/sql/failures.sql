-- The failed expectations of the runs shown ({run_ids}), critical first within a run.
select run_id, table_name, expectation, column_name, critical,
       sum(unexpected_count) as unexpected, sum(element_count) as elements
from quality_results where not success and run_id in {run_ids}
group by all order by run_id, critical desc, table_name, expectation, column_name
