-- TOTP second factor (RFC 6238, issue 17): an account that may unmask personal data unmasks only in a session signed in
-- with its code. The secret being enrolled waits in totp_pending until a first code confirms it; totp_last_step is the
-- last 30-second step accepted, so a code is never accepted twice. A token remembers whether its sign-in used the code.
ALTER TABLE account ADD COLUMN totp_secret      text CHECK (length(totp_secret) <= 64),
                    ADD COLUMN totp_pending     text CHECK (length(totp_pending) <= 64),
                    ADD COLUMN totp_enrolled_at timestamptz,
                    ADD COLUMN totp_last_step   bigint;

ALTER TABLE auth_token ADD COLUMN second_factor boolean NOT NULL DEFAULT false;
