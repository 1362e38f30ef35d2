-- Removes a county's people and houses before a new population of it is loaded: every row keyed by one of its
-- grids, children before parents. Code columns use the C collation, so the prefix is an index range. Register changes,
-- move requests and reconciliation items of the county go with it (a reload starts the register afresh).
DELETE FROM reconciliation_item WHERE person_id IN (SELECT id FROM person WHERE grid_code >= @county AND grid_code < @county || ':')
    OR (township_code >= @county AND township_code < @county || ':');
DELETE FROM move_request WHERE household_id IN (SELECT id FROM household WHERE grid_code >= @county AND grid_code < @county || ':')
    OR (from_grid >= @county AND from_grid < @county || ':') OR (to_grid >= @county AND to_grid < @county || ':')
    OR to_house_id IN (SELECT h.id FROM house h JOIN building b ON b.id = h.building_id WHERE b.grid_code >= @county AND b.grid_code < @county || ':')
    OR to_household_id IN (SELECT id FROM household WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM reconciliation_item WHERE change_id IN (
    SELECT id FROM register_change WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM register_change WHERE grid_code >= @county AND grid_code < @county || ':';
DELETE FROM visit WHERE special_group_id IN (
    SELECT s.id FROM special_group s JOIN person p ON p.id = s.person_id
    WHERE p.grid_code >= @county AND p.grid_code < @county || ':');
DELETE FROM special_group WHERE person_id IN (
    SELECT id FROM person WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM field_visit WHERE grid_code >= @county AND grid_code < @county || ':';
DELETE FROM household_member WHERE household_id IN (
    SELECT id FROM household WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM household_member WHERE person_id IN (
    SELECT id FROM person WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM household WHERE grid_code >= @county AND grid_code < @county || ':';
DELETE FROM person WHERE grid_code >= @county AND grid_code < @county || ':';
DELETE FROM house WHERE building_id IN (
    SELECT id FROM building WHERE grid_code >= @county AND grid_code < @county || ':');
DELETE FROM building WHERE grid_code >= @county AND grid_code < @county || ':';
