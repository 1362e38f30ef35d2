-- Removes a county's people and houses before a new population of it is loaded: every row keyed by one of its
-- grids, children before parents. Code columns use the C collation, so the prefix is an index range.
DELETE FROM visit WHERE special_group_id IN (
    SELECT s.id FROM special_group s JOIN person p ON p.id = s.person_id
    WHERE p.grid_code >= @county AND p.grid_code < @county || ':');
DELETE FROM special_group WHERE person_id IN (
    SELECT id FROM person WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM household_member WHERE household_id IN (
    SELECT id FROM household WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM household_member WHERE person_id IN (
    SELECT id FROM person WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM household WHERE grid_code >= @county AND grid_code < @county || ':';
DELETE FROM person WHERE grid_code >= @county AND grid_code < @county || ':';
DELETE FROM house WHERE building_id IN (
    SELECT id FROM building WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM building WHERE grid_code >= @county AND grid_code < @county || ':';
