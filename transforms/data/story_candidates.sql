-- Stored signatures that share an LSH band with a new one (temp table new_signatures: doc_id,
-- hashvalues), with every member of their stories. $bands bands of $rows hash values each.
-- A join over band hashes reads the archive's signatures in bulk instead of indexing each one in
-- Python: the candidates are a superset of what an LSH index returns (hash collisions only add
-- some), and the clustering checks each exactly.
with new_keys as (
        select distinct band, hash(list_slice(hashvalues, band * $rows + 1, (band + 1) * $rows)) as key
        from new_signatures, range($bands) t(band)),
     stored_keys as (
        select doc_id, band, hash(list_slice(hashvalues, band * $rows + 1, (band + 1) * $rows)) as key
        from signatures, range($bands) t(band)),
     hits as (select distinct s.doc_id from stored_keys s join new_keys n using (band, key))
select * from signatures
where story_id in (select story_id from signatures where doc_id in (select doc_id from hits))
