-- Who is quoted in articles on the military theme, by number of quotations.
-- On the seeds: Joseph Dunford (10 quotations) first, then Antony Blinken (8), Shinzo Abe and Boris Pistorius.
select e.name as speaker, e.label, count(*) as quotes, count(distinct q.doc_id) as articles
from quotes q
join themes t on t.doc_id = q.doc_id and t.theme = 'military'
join entities e on e.entity_id = q.speaker_entity_id
group by all
order by quotes desc, speaker;
