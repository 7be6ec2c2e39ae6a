-- Stories republished by more than one outlet or agency: which report spread where.
-- On the seeds: one story of 2 articles (the dpa report, also published by nd).
select story_id, articles, outlets, agencies, canonical_title, min_similarity
from story_spread
where articles > 1
order by articles desc;
