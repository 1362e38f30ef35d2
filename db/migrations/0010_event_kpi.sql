-- Event indicators (DOMAIN.md §6): a monthly rollup of the event counters per unit at every level, refreshed from
-- `event` by GridMap.Store.Kpi.KpiStore, and the record of generated event histories (gridmap generate events).
-- Period attribution is by cohort: an event counts in the month (China Standard Time) it was reported in, so a unit's
-- counters are the sum of its children's whatever the level.

-- One row per generated history: city, year, seed and the generator version that produced it.
CREATE TABLE event_load (
    city_code   text NOT NULL CHECK (city_code ~ '^[0-9]{2}([0-9]{2})?$'),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    seed        integer NOT NULL,
    generator   text NOT NULL,
    events      integer NOT NULL CHECK (events >= 0),
    accepted    integer NOT NULL CHECK (accepted >= 0),
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (city_code, year)
);

-- The rollup. unit_code is a province, city, county, township, village or grid code; department is '' for the unit's
-- own totals, or a handling department's slug for events that department handled (rows at county level and above).
-- Counters are event counts of the month's cohort; see GridMap.Domain.Events.Kpi.KpiCounters for their meaning.
CREATE TABLE event_kpi (
    month               date NOT NULL CHECK (extract(day FROM month) = 1),
    unit_code           text NOT NULL CHECK (unit_code ~ '^[0-9]+$' AND length(unit_code) IN (2, 4, 6, 9, 12, 15)),
    department          text NOT NULL DEFAULT '',
    parent_code         text,
    reported            integer NOT NULL DEFAULT 0,
    accepted            integer NOT NULL DEFAULT 0,
    rejected            integer NOT NULL DEFAULT 0,
    registered          integer NOT NULL DEFAULT 0,
    registered_on_time  integer NOT NULL DEFAULT 0,
    dispatched          integer NOT NULL DEFAULT 0,
    handled             integer NOT NULL DEFAULT 0,
    closed              integer NOT NULL DEFAULT 0,
    due                 integer NOT NULL DEFAULT 0,
    closed_on_time      integer NOT NULL DEFAULT 0,
    reworked            integer NOT NULL DEFAULT 0,
    extended            integer NOT NULL DEFAULT 0,
    escalated           integer NOT NULL DEFAULT 0,
    voided              integer NOT NULL DEFAULT 0,
    closed_grid         integer NOT NULL DEFAULT 0,
    closed_village      integer NOT NULL DEFAULT 0,
    closed_township     integer NOT NULL DEFAULT 0,
    closed_county       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, department, month)
);
-- Drill-down reads a unit's children for a period.
CREATE INDEX event_kpi_parent_idx ON event_kpi (parent_code, month) WHERE department = '';

-- The refresh watermark: events updated after it (and open events whose closing deadline passed after it) are re-counted
-- by the next incremental refresh. A single row.
CREATE TABLE event_kpi_refresh (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    refreshed_at  timestamptz NOT NULL
);

-- An open event becomes due (应结案) when its closing deadline passes without any update: the incremental refresh
-- finds those through this index.
CREATE INDEX event_open_close_due_idx ON event (close_due) WHERE finished_at IS NULL;
