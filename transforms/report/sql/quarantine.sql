-- The quarantined files of the runs shown ({run_ids}), with the path their document row gives.
select q.run_id, q.doc_id, d.source_path, q.stage, q.reason, q.detail
from quarantine q left join documents d on d.doc_id = q.doc_id and d.run_id = q.run_id
where q.run_id in {run_ids}
order by q.run_id, q.reason, d.source_path
