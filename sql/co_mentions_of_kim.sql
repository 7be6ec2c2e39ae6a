-- Who and what is mentioned together with Kim Jong Un, by number of shared articles.
-- On the seeds: Nordkorea and Wladimir Putin both appear in articles that name Kim Jong Un.
select case when name_a = 'Kim Jong Un' then name_b else name_a end as with_entity, articles
from co_mentions
where 'Kim Jong Un' in (name_a, name_b)
order by articles desc, with_entity;
