-- Events (事件) and the closed loop: the taxonomy with its time limits, the devolved-function catalogue that routes a
-- category to the lowest competent level, the events with their workflow state, and each event's append-only,
-- hash-chained history. The workflow itself is GridMap.Domain.Events.EventWorkflow; these tables hold its state.

-- Major class = left(code, 2), minor class = code. Levels use AdminLevel numbers: 3 county, 4 township, 5 village,
-- 6 grid. Rows are data: a centre edits them without a release.
CREATE TABLE event_category (
    code                 text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    major_name           text NOT NULL CHECK (length(major_name) BETWEEN 1 AND 50),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    name_en              text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    urgent               boolean NOT NULL,
    handle_working_days  integer NOT NULL CHECK (handle_working_days BETWEEN 1 AND 60),
    minor_on_the_spot    boolean NOT NULL,
    -- The responsible department (slug as in account.department); null when the centres handle it themselves.
    department           text,
    -- The lowest level competent to handle it when no devolved function says otherwise.
    default_level        smallint NOT NULL CHECK (default_level BETWEEN 3 AND 6),
    active               boolean NOT NULL DEFAULT true
);

INSERT INTO event_category (code, major_name, name, name_en, urgent, handle_working_days, minor_on_the_spot, department, default_level) VALUES
    ('0101', '矛盾纠纷', '邻里纠纷',       'Neighbour dispute',              false, 5, true,  'justice',           5),
    ('0102', '矛盾纠纷', '婚姻家庭纠纷',   'Family dispute',                 false, 5, true,  'justice',           5),
    ('0103', '矛盾纠纷', '土地山林纠纷',   'Land or forest dispute',         false, 10, false, 'natural-resources', 4),
    ('0104', '矛盾纠纷', '劳资纠纷',       'Wage dispute',                   false, 10, false, 'social-security',   3),
    ('0201', '安全隐患', '消防安全隐患',   'Fire hazard',                    true,  1, false, 'emergency',         4),
    ('0202', '安全隐患', '道路交通隐患',   'Road traffic hazard',            false, 3, false, 'public-security',   4),
    ('0203', '安全隐患', '危旧房屋',       'Dilapidated building',           false, 5, false, 'housing',           4),
    ('0204', '安全隐患', '食品安全隐患',   'Food safety hazard',             false, 3, false, 'market-regulation', 3),
    ('0301', '街面秩序', '占道经营',       'Street vending on the road',     false, 2, true,  'urban-management',  5),
    ('0302', '街面秩序', '乱停乱放',       'Illegal parking',                false, 2, true,  'urban-management',  5),
    ('0303', '街面秩序', '噪音扰民',       'Noise nuisance',                 false, 2, true,  'ecology',           5),
    ('0401', '民生服务', '社会救助申请',   'Social assistance request',      false, 5, false, 'civil-affairs',     4),
    ('0402', '民生服务', '医疗卫生服务',   'Health service request',         false, 3, false, 'health',            4),
    ('0403', '民生服务', '证照代办',       'Proxy service for licences',     false, 5, false, 'civil-affairs',     5),
    ('0404', '民生服务', '就业社保咨询',   'Jobs and social insurance',      false, 3, true,  'social-security',   5),
    ('0501', '特殊人群', '社区矫正人员异常', 'Community corrections alert',  false, 1, false, 'justice',           4),
    ('0502', '特殊人群', '精神障碍患者异常', 'Mental-health patient alert',  true,  1, false, 'health',            4),
    ('0503', '特殊人群', '吸毒人员异常',   'Drug-user alert',                false, 1, false, 'public-security',   4),
    ('0601', '市容环境', '暴露垃圾',       'Exposed rubbish',                false, 1, true,  'urban-management',  5),
    ('0602', '市容环境', '道路破损',       'Damaged road',                   false, 5, false, 'housing',           3),
    ('0603', '市容环境', '井盖缺失',       'Missing manhole cover',          true,  1, false, 'urban-management',  4),
    ('0701', '宣传广告', '违规广告牌',     'Unpermitted billboard',          false, 5, false, 'urban-management',  4),
    ('0702', '宣传广告', '乱张贴',         'Fly-posting',                    false, 2, true,  'urban-management',  5),
    ('0801', '施工管理', '施工扰民',       'Construction nuisance',          false, 3, false, 'housing',           4),
    ('0802', '施工管理', '渣土撒漏',       'Spilled construction waste',     false, 2, false, 'urban-management',  4),
    ('0901', '突发事件', '道路积水',       'Flooded road',                   true,  1, false, 'emergency',         4),
    ('0902', '突发事件', '燃气泄漏',       'Gas leak',                       true,  1, false, 'emergency',         3),
    ('0903', '突发事件', '群体性事件',     'Mass incident',                  true,  1, false, 'public-security',   3);

-- The devolved-function catalogue (下放职能): which department's functions a township or village may exercise, and
-- so the lowest level competent for a category. Proxy services (代办) are functions the centre performs for a
-- resident. The seed has the article's shape (78 functions of 26 departments at township level, 43 services of 16
-- departments at village level); most names are synthetic and marked so.
CREATE TABLE devolved_function (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level          smallint NOT NULL CHECK (level IN (4, 5)),
    department     text NOT NULL CHECK (length(department) BETWEEN 1 AND 50),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    category_code  text REFERENCES event_category (code),
    proxy          boolean NOT NULL DEFAULT false,
    synthetic      boolean NOT NULL DEFAULT true,
    UNIQUE (level, department, name)
);
CREATE INDEX devolved_function_category_idx ON devolved_function (category_code, level);

-- One row per event with its current workflow state. The grid, village, township and county are the event's place
-- in the hierarchy when it was reported (boundary edits re-link open events). Columns after "workflow" are what
-- GridMap.Domain.Events.EventCase holds; columns after "indicators" are kept for the KPIs (DOMAIN.md §6).
CREATE TABLE event (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Public, unguessable tracking number (GM-XXXX-XXXX); the id is never shown to the public.
    tracking_no          text NOT NULL UNIQUE CHECK (tracking_no ~ '^GM-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
    -- The client's idempotency key: a retried report finds its first event instead of creating a second.
    idempotency_key      text UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    channel              text NOT NULL CHECK (channel IN ('grid', 'web', 'hotline', 'open311', 'referral', 'history')),
    category_code        text NOT NULL REFERENCES event_category (code),
    grid_code            text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
    village_code         text NOT NULL GENERATED ALWAYS AS (left(grid_code, 12)) STORED,
    township_code        text NOT NULL GENERATED ALWAYS AS (left(grid_code, 9)) STORED,
    county_code          text NOT NULL GENERATED ALWAYS AS (left(grid_code, 6)) STORED,
    urban                boolean NOT NULL,
    geom                 geometry(Point, 4490) NOT NULL,
    geom_3857            geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    building_code        text CHECK (building_code ~ '^[0-9]{20}$'),
    address              text CHECK (length(address) <= 200),
    description          text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    -- Account username, 'public' for the web form, or 'open311:<client>'.
    reporter             text NOT NULL,
    -- The caller's name and phone for hotline and public reports: personal data, masked unless unmasked.
    contact_name         text CHECK (length(contact_name) <= 50),
    contact_phone        text CHECK (contact_phone ~ '^[0-9+\- ]{5,20}$'),
    -- A likely earlier report of the same thing (same category, near, recent), flagged at intake for the centre.
    duplicate_of         bigint REFERENCES event (id),
    -- workflow
    state                text NOT NULL CHECK (state IN ('Reported', 'Accepted', 'Rejected', 'Registered', 'Dispatched',
                             'Handling', 'FeedbackGiven', 'Verifying', 'Rework', 'Suspended', 'Voided', 'Closed')),
    owner_unit           text NOT NULL,
    owner_department     text,
    handler_unit         text,
    handler_department   text,
    step_limit_kind      text NOT NULL CHECK (step_limit_kind IN ('WorkingMinutes', 'CalendarMinutes', 'WorkingDays')),
    step_limit_amount    integer NOT NULL CHECK (step_limit_amount >= 0),
    due                  timestamptz,
    paused_remaining     interval,
    suspended_from       text,
    suspended_at         timestamptz,
    pending_extension_kind   text,
    pending_extension_amount integer,
    pending_void_reason  text,
    supervisions         integer NOT NULL DEFAULT 0,
    reported_at          timestamptz NOT NULL,
    -- indicators
    accepted_at          timestamptz,
    registered_at        timestamptz,
    registered_on_time   boolean,
    dispatched_at        timestamptz,
    handled_at           timestamptz,
    -- The deadline for closing (应结案): the handling deadline of the first dispatch, moved by approved extensions
    -- and suspensions.
    close_due            timestamptz,
    finished_at          timestamptz,
    closed_on_time       boolean,
    rework_count         integer NOT NULL DEFAULT 0,
    extension_count      integer NOT NULL DEFAULT 0,
    escalation_count     integer NOT NULL DEFAULT 0,
    -- The level of the unit that handled it when it closed (6 grid, 5 village, 4 township, 3 county).
    resolution_level     smallint CHECK (resolution_level BETWEEN 3 AND 6),
    -- When an overdue alert was last raised for the current step.
    overdue_alerted_at   timestamptz,
    -- Optimistic concurrency: every change increments it; a client that sends an older one gets 409.
    version              integer NOT NULL DEFAULT 1,
    -- Tip of this event's history chain.
    history_hash         text NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX event_grid_idx ON event (grid_code text_pattern_ops, reported_at);
CREATE INDEX event_county_reported_idx ON event (county_code, reported_at);
CREATE INDEX event_reported_idx ON event (reported_at);
CREATE INDEX event_geom_3857_idx ON event USING gist (geom_3857);
CREATE INDEX event_geom_idx ON event USING gist (geom);
CREATE INDEX event_open_due_idx ON event (due) WHERE finished_at IS NULL AND due IS NOT NULL;
CREATE INDEX event_updated_idx ON event (updated_at);

-- Each event's history is its own chain: hash = SHA-256 over the entry's fields and the previous entry's hash
-- (GridMap.Domain.Events.EventHistoryChain), starting from 64 zeros. Append-only like the audit log.
CREATE TABLE event_history (
    event_id          bigint NOT NULL REFERENCES event (id),
    seq               integer NOT NULL CHECK (seq >= 1),
    at                timestamptz NOT NULL,
    actor             text NOT NULL,
    -- The unit (and department) the actor acted for: what the public tracker shows instead of the person.
    actor_unit        text,
    actor_department  text,
    action            text NOT NULL,
    from_state        text NOT NULL,
    to_state          text NOT NULL,
    reason            text,
    owner_unit        text NOT NULL,
    owner_department  text,
    due               timestamptz,
    prev_hash         text NOT NULL,
    hash              text NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_history_at_idx ON event_history (at);

CREATE FUNCTION event_history_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_history is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER event_history_append_only BEFORE UPDATE OR DELETE ON event_history
    FOR EACH ROW EXECUTE FUNCTION event_history_is_append_only();
CREATE TRIGGER event_history_no_truncate BEFORE TRUNCATE ON event_history
    FOR EACH STATEMENT EXECUTE FUNCTION event_history_is_append_only();

-- Photos sent with a report (≤ 5 MB each, JPEG/PNG/WebP); never on tiles or in the public tracker.
CREATE TABLE event_photo (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      bigint NOT NULL REFERENCES event (id),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes         bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 5242880),
    uploaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_photo_event_idx ON event_photo (event_id);

-- The seed: 26 departments with 3 township functions each (78) and the first 16 with 3 or 2 village services (43).
-- The first function of each department has a plausible name and, where one fits, the category it makes competent
-- at that level; the rest are numbered placeholders marked synthetic.
WITH department (ord, slug, name, first_function, category_code, proxy) AS (VALUES
    (1,  'civil-affairs',      '民政',       '最低生活保障申请受理',   '0401', true),
    (2,  'social-security',    '人社',       '就业登记与社保咨询',     '0404', true),
    (3,  'health',             '卫健',       '基本公共卫生服务',       '0402', false),
    (4,  'public-security',    '公安',       '流动人口居住登记',       NULL,   true),
    (5,  'justice',            '司法',       '人民调解',               '0101', false),
    (6,  'urban-management',   '城管',       '占道经营劝导',           '0301', false),
    (7,  'natural-resources',  '自然资源',   '宅基地界址调处',         '0103', false),
    (8,  'housing',            '住建',       '农村危房排查',           '0203', false),
    (9,  'emergency',          '应急管理',   '安全隐患排查',           '0201', false),
    (10, 'market-regulation',  '市场监管',   '小餐饮登记',             NULL,   true),
    (11, 'ecology',            '生态环境',   '噪音扰民劝导',           '0303', false),
    (12, 'agriculture',        '农业农村',   '惠农补贴申报',           NULL,   true),
    (13, 'education',          '教育',       '入学政策咨询',           NULL,   false),
    (14, 'medical-insurance',  '医保',       '医保参保登记',           NULL,   true),
    (15, 'veterans',           '退役军人事务', '优抚对象信息采集',     NULL,   true),
    (16, 'disabled',           '残联',       '残疾人证代办',           '0403', true),
    (17, 'water',              '水利',       '农村饮水安全巡查',       NULL,   false),
    (18, 'transport',          '交通运输',   '农村公路巡查',           NULL,   false),
    (19, 'culture',            '文化旅游',   '文化活动场所巡查',       NULL,   false),
    (20, 'forestry',           '林业',       '森林防火巡查',           NULL,   false),
    (21, 'statistics',         '统计',       '统计调查协助',           NULL,   false),
    (22, 'tax',                '税务',       '城乡居民税费代收',       NULL,   true),
    (23, 'women',              '妇联',       '妇女儿童权益维护',       '0102', false),
    (24, 'youth',              '团委',       '青少年关爱服务',         NULL,   false),
    (25, 'petition',           '信访',       '信访事项登记',           NULL,   false),
    (26, 'ethnic-religion',    '民族宗教',   '宗教活动场所巡查',       NULL,   false)
)
INSERT INTO devolved_function (level, department, name, category_code, proxy, synthetic)
SELECT 4, d.slug,
       CASE WHEN n = 1 THEN d.first_function ELSE d.name || '下放事项（示例）' || n END,
       CASE WHEN n = 1 THEN d.category_code END,
       n = 1 AND d.proxy,
       n > 1
FROM department d CROSS JOIN generate_series(1, 3) AS n
UNION ALL
SELECT 5, d.slug,
       CASE WHEN n = 1 THEN d.first_function || '（村代办）' ELSE d.name || '村级服务（示例）' || n END,
       CASE WHEN n = 1 AND d.category_code IN ('0101', '0102', '0301', '0303', '0403', '0404') THEN d.category_code END,
       n = 1 AND d.proxy,
       n > 1
FROM department d CROSS JOIN generate_series(1, 3) AS n
WHERE d.ord <= 16 AND (n <= 2 OR d.ord <= 11);
