-- Mentions of each country per month of publication (articles without a date are left out).
-- On the seeds: Nordkorea is mentioned in 2024-10 and in 2025-01.
select month, name, mentions, articles
from entity_mentions_monthly
where label = 'LOC' and month is not null
order by month, mentions desc, name;
