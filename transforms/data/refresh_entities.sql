-- The staged aliases added, and the entities they touch (touched_entities) rebuilt from all their aliases.
insert into entity_aliases by name select distinct * from staged_entity_aliases s
    where not exists (select 1 from entity_aliases e where e.entity_id = s.entity_id and e.alias = s.alias);

create or replace temp table touched_entities as select distinct entity_id from staged_entity_aliases;

delete from entities where entity_id in (select entity_id from touched_entities);

insert into entities
    select entity_id, min(name), min(label), min(country_code), list(distinct alias order by alias)
    from entity_aliases where entity_id in (select entity_id from touched_entities)
    group by entity_id;
