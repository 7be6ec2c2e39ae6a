-- What Antony Blinken said: each quotation of his, direct or indirect, with its article and date.
-- On the seeds: eight quotations (direct and indirect) from two reports, on Russia and North Korea.
select a.published_at, a.title, q.kind, q.quote, q.cue
from quotes q
join entities e on e.entity_id = q.speaker_entity_id
join articles a using (doc_id)
where e.name = 'Antony Blinken'
order by a.published_at, q.doc_id, q.start_char;
