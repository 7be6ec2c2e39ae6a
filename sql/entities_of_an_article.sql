-- Persons, places and organisations of each article, most mentioned first.
-- On the seeds: every article has entities; Kim Jong Un is a PER of three articles.
select title, name, label, country_code, mentions
from article_entities
order by doc_id, mentions desc, name;
