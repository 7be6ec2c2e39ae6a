-- The persons mentioned in most articles, with how often and under which names.
-- On the seeds: Kim Jong Un leads with 3 articles (under two spellings), then Antony Blinken with 2.
select e.name, count(distinct m.doc_id) as articles, count(*) as mentions, e.aliases
from mentions m join entities e using (entity_id)
where e.label = 'PER'
group by e.name, e.aliases
order by articles desc, mentions desc, e.name
limit 10;
