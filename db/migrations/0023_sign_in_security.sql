-- Account security (issue 17): wrong passwords in a row per account (the try after them waits, and ten lock the account
-- until an administrator unlocks it), wrong passwords per client address (a burst from one address waits), and when the
-- password last changed (every token issued before is revoked then).
ALTER TABLE account ADD COLUMN failed_sign_ins     integer NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
                    ADD COLUMN last_failed_at      timestamptz,
                    ADD COLUMN locked_at           timestamptz,
                    ADD COLUMN password_changed_at timestamptz;

CREATE TABLE sign_in_failure (
    address  text NOT NULL CHECK (length(address) <= 64),
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failure_address_idx ON sign_in_failure (address, at);
