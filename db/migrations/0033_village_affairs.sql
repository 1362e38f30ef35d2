-- The village committee's registers (issue 18): weddings and funerals (红白事) with the committee's service and the
-- check against the village rules, and the village collective's contracts (合同管理) with their term, amount and
-- renewal; a contract ending within 30 days is announced once in the village staff's inbox.
CREATE TABLE ceremony (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    village_code   text COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    kind           text NOT NULL CHECK (kind IN ('wedding', 'funeral')),
    held_on        date NOT NULL,
    family         text NOT NULL CHECK (length(family) BETWEEN 1 AND 50),
    tables         integer NOT NULL CHECK (tables BETWEEN 0 AND 500),
    service        text NOT NULL CHECK (length(service) BETWEEN 1 AND 500),
    -- Whether the scale keeps within the village rules (村规民约) as the committee checked it when recording.
    within_rules   boolean NOT NULL,
    note           text CHECK (length(note) <= 500),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX ceremony_village_idx ON ceremony (village_code, held_on);

CREATE TABLE village_contract (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    village_code   text COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    party          text NOT NULL CHECK (length(party) BETWEEN 1 AND 100),
    subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    starts_on      date NOT NULL,
    ends_on        date NOT NULL CHECK (ends_on >= starts_on),
    amount_yuan    numeric(14, 2) NOT NULL CHECK (amount_yuan >= 0),
    renewal        text NOT NULL CHECK (renewal IN ('none', 'renew', 'tender')),
    reminded_at    timestamptz,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX village_contract_village_idx ON village_contract (village_code, ends_on);
CREATE INDEX village_contract_due_idx ON village_contract (ends_on) WHERE reminded_at IS NULL;

ALTER TABLE inbox_item DROP CONSTRAINT inbox_item_kind_check,
    ADD CONSTRAINT inbox_item_kind_check CHECK (kind IN ('assigned', 'supervised', 'returned', 'overdue', 'move', 'reconciliation', 'dispute', 'contract'));
