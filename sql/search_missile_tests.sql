-- Full-text search in German: "Rakete" also finds Raketen and Raketentests (stemming, compound parts).
-- On the seeds: all five articles match; the dpa report ranks first.
select score, title, outlet, doc_id
from search_articles('Rakete');
