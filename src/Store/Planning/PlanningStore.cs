using System.Collections.Immutable;
using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Geometry;
using GridMap.Domain.Topology;
using GridMap.Store.Boundaries;
using GridMap.Store.Database;
using GridMap.Store.Notifications;
using GridMap.Store.Geodesy;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Planning;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// Boundary editing against PostgreSQL (网格调整): edit locks, drafts kept as data and edited through
/// <see cref="GridEdits"/>, and publishing a draft as a new version of the village in one transaction — topology checked
/// by the Domain and again by PostGIS, buildings, households, open events and grid managers re-linked, history,
/// lineage and retired codes recorded. The Domain works in metres; <see cref="VillageFrame"/> projects there and back.
/// </summary>
/// <remarks>
/// The layout's village outline is the union of the village's published grids, not the admin_unit polygon: the
/// generated villages and their grids differ by centimetre-wide slivers along the outline (tens of m² per village),
/// which the Domain would report as gaps. A planner edits inside the village and may not move its outline, so the
/// published coverage is the boundary both judges hold a draft to.
/// </remarks>
public sealed class PlanningStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>A vertex named by a click (moveVertex, the ends of a new edge) snaps to a draft vertex this near (m).</summary>
    public const double VertexSnapMetres = 0.05;

    private static readonly JsonSerializerOptions LineageJson = new(JsonSerializerDefaults.Web);

    public async Task<Outcome<VillageSession>> SessionAsync(Caller caller, AdminCode village, CancellationToken ct = default)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await VillageAsync(connection, village, ct) is not { } row)
            return NoVillage(village);
        var now = clock.GetUtcNow();
        var held = await LockAsync(connection, village, ct);
        var draft = await DraftRowAsync(connection, village, caller.Username, ct);
        return Outcome<VillageSession>.Ok(new VillageSession(village.Value, row.Name, row.Version, row.ValidFrom,
            held is { } l && !l.Lock.IsExpired(now) ? l.View : null,
            draft is null ? null : new DraftInfo(draft.DraftVersion, draft.BaseVersion, draft.Author, draft.UpdatedAt)));
    }

    /// <summary>Takes the village's lock for two hours, or renews the caller's own; refused while someone else holds it.</summary>
    public Task<Outcome<LockView>> AcquireLockAsync(Caller caller, AdminCode village, CancellationToken ct = default) =>
        InLockTransactionAsync<LockView>(caller, village, async (connection, current) =>
        {
            if (!EditLock.TryAcquire(current?.Lock, village, caller.Username, clock.GetUtcNow(), out var taken, out var refusal))
                return PlanningProblems.Locked(Held(current!, refusal), current!.View);
            await PutLockAsync(connection, taken, ct);
            return Outcome<LockView>.Ok(new LockView(taken.Holder, await DisplayNameAsync(connection, caller.Username, ct), taken.Acquired, taken.Expires));
        }, ct);

    /// <summary>Two more hours from now, for the holder of a live lock.</summary>
    public Task<Outcome<LockView>> ExtendLockAsync(Caller caller, AdminCode village, CancellationToken ct = default) =>
        InLockTransactionAsync<LockView>(caller, village, async (connection, current) =>
        {
            if (current is null)
                return PlanningProblems.Locked($"Nobody holds village {village}; take the lock first.");
            if (!current.Lock.TryExtend(caller.Username, clock.GetUtcNow(), out var extended, out var refusal))
                return PlanningProblems.Locked(Held(current, refusal), current.View);
            await PutLockAsync(connection, extended, ct);
            return Outcome<LockView>.Ok(current.View with { ExpiresAt = extended.Expires });
        }, ct);

    /// <summary>Gives the lock up (the draft stays). Releasing a lock you do not hold is refused; releasing none is fine.</summary>
    public Task<Outcome<bool>> ReleaseLockAsync(Caller caller, AdminCode village, CancellationToken ct = default) =>
        InLockTransactionAsync<bool>(caller, village, async (connection, current) =>
        {
            if (current is not null && current.Lock.Holder != caller.Username && !current.Lock.IsExpired(clock.GetUtcNow()))
                return PlanningProblems.Locked(current.Lock.HeldMessage());
            await using var command = new NpgsqlCommand(SqlResource.Get("Planning/ReleaseLock.sql"), connection);
            command.Parameters.AddWithValue("village", village.Value);
            command.Parameters.AddWithValue("holder", current?.Lock.Holder ?? caller.Username);
            await command.ExecuteNonQueryAsync(ct);
            return Outcome<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// One lock change in a transaction of its own: the caller and village checked, the village's lock row as it is
    /// now handed to <paramref name="change"/>, committed only when the change succeeds.
    /// </summary>
    private async Task<Outcome<T>> InLockTransactionAsync<T>(Caller caller, AdminCode village,
        Func<NpgsqlConnection, LockRow?, Task<Outcome<T>>> change, CancellationToken ct)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await VillageAsync(connection, village, ct) is null)
            return NoVillage(village);
        var outcome = await change(connection, await LockAsync(connection, village, ct));
        if (outcome.Succeeded)
            await transaction.CommitAsync(ct);
        return outcome;
    }

    /// <summary>The draft with its preview and violations, made from the published layout when there is none (lock holder only).</summary>
    public Task<Outcome<DraftView>> GetDraftAsync(Caller caller, AdminCode village, CancellationToken ct = default) =>
        InDraftAsync(caller, village, null, (_, _) => null, ct);

    /// <summary>Applies one edit to the draft through <see cref="GridEdits"/>; <paramref name="draftVersion"/> must be the draft's current version.</summary>
    public Task<Outcome<DraftView>> EditDraftAsync(Caller caller, AdminCode village, int draftVersion, DraftEdit edit, CancellationToken ct = default) =>
        InDraftAsync(caller, village, draftVersion, (context, draft) => Apply(context, draft, edit), ct);

    /// <summary>
    /// Replaces the draft's grids with <paramref name="features"/> (a file import or the portal's whole-layout save):
    /// a feature with the code of a grid of the draft or its base keeps that code, one without a code gets a new code
    /// (W→E/N→S, above every sequence ever used), and grids of the draft not given are retired. Violations do not
    /// refuse the replacement: they show in the draft, which cannot be published until they are fixed. Refused (422)
    /// when a geometry is not a polygon or a code is not one of the village's grids.
    /// </summary>
    public Task<Outcome<DraftView>> ReplaceDraftAsync(Caller caller, AdminCode village, int draftVersion, IReadOnlyList<DraftFeature> features,
        CancellationToken ct = default) =>
        InDraftAsync(caller, village, draftVersion, (context, draft) => Replace(context, draft, features), ct);

    /// <summary>Discards the caller's draft (lock holder only); the published layout is untouched.</summary>
    public async Task<Outcome<bool>> DiscardDraftAsync(Caller caller, AdminCode village, CancellationToken ct = default)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await VillageAsync(connection, village, ct) is null)
            return NoVillage(village);
        if (await RequireLockAsync(connection, caller, village, ct) is { } notHeld)
            return PlanningProblems.Locked(notHeld);
        await ExecuteAsync(connection, "Planning/DiscardDraft.sql", p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("author", caller.Username);
        }, ct);
        await transaction.CommitAsync(ct);
        return Outcome<bool>.Ok(true);
    }

    /// <summary>
    /// Publishes the draft as the village's next version, all in one transaction: the caller's live lock, the draft's
    /// version and base version (409 with what changed when another publish came first — the draft is kept), the
    /// Domain's topology rules, the grid rows (new codes, retired codes), buildings, households and open events
    /// re-linked, managers carried or flagged, PostGIS's own check of what was written (422 and nothing written on
    /// failure), then history, lineage and the grid summary.
    /// </summary>
    public async Task<Outcome<PublishResult>> PublishAsync(Caller caller, AdminCode village, int draftVersion, string reason,
        CancellationToken ct = default)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, "Planning/Publish/SerializeVillage.sql", p => p.AddWithValue("village", village.Value), ct);
        if (await VillageAsync(connection, village, ct) is not { } row)
            return NoVillage(village);
        if (await RequireLockAsync(connection, caller, village, ct) is { } notHeld)
            return PlanningProblems.Locked(notHeld);
        if (await DraftRowAsync(connection, village, caller.Username, ct) is not { } draftRow)
            return PlanningProblems.NotFound($"Village {village} has no draft to publish.");
        if (draftRow.DraftVersion != draftVersion)
            return StaleDraft(village, draftVersion, draftRow.DraftVersion);

        var context = await ContextAsync(connection, village, row, ct);
        var draft = await DraftLayoutAsync(connection, context, draftRow, ct);
        if (draftRow.BaseVersion != row.Version)
        {
            var baseLayout = await PublishedLayoutAsync(connection, context, draftRow.BaseVersion, ct);
            var conflict = DraftVersion.Conflict(new GridDraft(baseLayout, draftRow.BaseVersion, draft, []), row.Version, context.Published)!;
            return PlanningProblems.StaleBase(conflict.Message, row.Version, ChangesView.Of(conflict.ChangedSince),
                [.. conflict.AlsoEditedInDraft.Select(c => c.Value)]);
        }

        var changes = GridChanges.Between(context.Published, draft);
        var violations = TopologyRules.Check(draft, context.Rules);
        if (violations.Count > 0)
            return PlanningProblems.Refused(
                $"The draft breaks {violations.Count} topology rule(s); the first: {violations[0].Message}", [.. violations.Select(v => View(context, v))]);
        if (changes.IsEmpty)
            return PlanningProblems.Refused("The draft changes nothing; there is nothing to publish.");

        var now = clock.GetUtcNow();
        var version = row.Version + 1;
        var added = Codes(changes.Added);
        var retired = Codes(changes.Retired);
        var reshaped = Codes(changes.Reshaped);
        try
        {
            foreach (var code in changes.Added.Concat(changes.Reshaped))
            {
                var shape = AsMultiPolygon(context.Frame.ToLonLat(draft.Grids[code]));
                await ExecuteAsync(connection, changes.Added.Contains(code) ? "Planning/Publish/InsertGrid.sql" : "Planning/Publish/UpdateGrid.sql", p =>
                {
                    p.AddWithValue("code", code.Value);
                    p.AddWithValue("village", village.Value);
                    p.AddWithValue("geom", shape);
                    p.AddWithValue("label_point", LabelPoint.Of(shape));
                    p.AddWithValue("area_m2", TrueArea.SquareMetres(shape));
                }, ct);
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.CheckViolation or PostgresErrorCodes.UniqueViolation)
        {
            return PlanningProblems.Refused($"PostGIS refused a grid of the draft: {e.MessageText}");
        }

        void Common(NpgsqlParameterCollection p)
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("version", version);
            p.AddWithValue("now", now);
            p.AddWithValue("retired", retired);
        }
        var buildings = await ExecuteAsync(connection, "Planning/Publish/RelinkBuildings.sql", Common, ct);
        var (households, _) = await PairAsync(connection, "Planning/Publish/RelinkPeople.sql", p => p.AddWithValue("village", village.Value), ct);
        await ExecuteAsync(connection, "Planning/Publish/OrphanPeople.sql", p => p.AddWithValue("retired", retired), ct);
        var moved = new List<EventNotice>();
        await ReadAsync(connection, "Planning/Publish/RelinkEvents.sql", Common,
            r => moved.Add(new EventNotice(r.GetInt64(0), r.GetString(1), r.GetInt32(2))), ct);
        var events = moved.Count;
        // A notice's payload is limited to 8000 bytes: a village's open events go out in chunks.
        foreach (var chunk in moved.Chunk(200))
            await ExecuteAsync(connection, "Planning/Publish/NotifyEvents.sql", p =>
            {
                p.AddWithValue("channel", Channels.Events);
                p.AddWithValue("payload", EventNotice.Join(chunk));
            }, ct);
        var carried = new List<CarriedManager>();
        await ReadAsync(connection, "Planning/Publish/CarryManagers.sql", Common, r => carried.Add(new(r.GetString(0), r.GetString(1), r.GetString(2))), ct);
        var flagged = new List<FlaggedManager>();
        await ReadAsync(connection, "Planning/Publish/FlagManagers.sql", Common,
            r => flagged.Add(new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3))), ct);
        await ExecuteAsync(connection, "Planning/Publish/GridHouseholds.sql", p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("before", Codes(changes.Retired.Concat(changes.Reshaped)));
            p.AddWithValue("changed", Codes(changes.Added.Concat(changes.Reshaped)));
        }, ct);

        var rejected = new List<ViolationView>();
        await ReadAsync(connection, "Planning/Publish/Check.sql", p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("retired", retired);
            p.AddWithValue("tolerance", context.Rules.AreaTolerance);
        }, r => rejected.Add(new ViolationView(r.GetString(0), r.GetFieldValue<string[]>(1), r.GetString(2), r.GetFieldValue<Geometry>(3))), ct);
        if (rejected.Count > 0)
            return PlanningProblems.Refused(
                $"PostGIS found {rejected.Count} problem(s) in the written layout, so nothing was published; the first: {rejected[0].Message}.", rejected);

        await ExecuteAsync(connection, "Planning/Publish/RetireGrids.sql", p => p.AddWithValue("retired", retired), ct);
        var lineage = draftRow.Lineage;
        await ExecuteAsync(connection, "Planning/Publish/Record.sql", p =>
        {
            Common(p);
            p.AddWithValue("added", added);
            p.AddWithValue("reshaped", reshaped);
            p.AddWithValue("author", caller.Username);
            p.AddWithValue("reason", reason);
            p.AddWithValue("lineage", JsonSerializer.Serialize(lineage, LineageJson));
        }, ct);
        await ExecuteAsync(connection, "Planning/Publish/RefreshSummary.sql", _ => { }, ct);
        await transaction.CommitAsync(ct);
        return Outcome<PublishResult>.Ok(new PublishResult(version, now, added, retired, reshaped, lineage,
            new RelinkCounts(buildings, households, events), new ManagerChanges(carried, flagged)));
    }

    /// <summary>The village's published versions, newest first (planners and administrators of its area).</summary>
    public async Task<Outcome<IReadOnlyList<VersionView>>> VersionsAsync(Caller caller, AdminCode village, CancellationToken ct = default)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await VillageAsync(connection, village, ct) is null)
            return NoVillage(village);
        var versions = new List<VersionView>();
        await ReadAsync(connection, "Planning/Versions.sql", p => p.AddWithValue("village", village.Value), r => versions.Add(new VersionView(
            r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3),
            r.GetFieldValue<string[]>(4), r.GetFieldValue<string[]>(5), r.GetFieldValue<string[]>(6))), ct);
        return Outcome<IReadOnlyList<VersionView>>.Ok(versions);
    }

    /// <summary>The diff map of one version: grids it retired or reshaped as they were before, and every grid after, each marked.</summary>
    public async Task<Outcome<FeatureCollectionView<DiffProperties>>> DiffAsync(Caller caller, AdminCode village, int version, CancellationToken ct = default)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        var versions = await VersionsAsync(caller, village, ct);
        if (versions.Value?.FirstOrDefault(v => v.Version == version) is not { } found)
            return PlanningProblems.NotFound($"Village {village} has no version {version}.");
        var features = new List<FeatureView<DiffProperties>>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ReadAsync(connection, "Planning/Diff.sql", p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("version", version);
        }, r =>
        {
            var code = r.GetString(0);
            var side = r.GetString(2);
            var change = found.Retired.Contains(code) ? "retired"
                : found.Reshaped.Contains(code) ? "reshaped"
                : found.Added.Contains(code) ? "added"
                : "kept";
            features.Add(new FeatureView<DiffProperties>(r.GetFieldValue<Geometry>(1), new DiffProperties(code, change, side)));
        }, ct);
        return Outcome<FeatureCollectionView<DiffProperties>>.Ok(new FeatureCollectionView<DiffProperties>(features));
    }

    /// <summary>
    /// The grid that contained a point at the end of <paramref name="date"/> (China Standard Time), retired codes
    /// included, from history; null outside every grid of that day.
    /// </summary>
    public async Task<GridOnDate?> GridOnDateAsync(double lon, double lat, DateOnly date, CancellationToken ct = default)
    {
        var endOfDay = ChinaTime.StartOf(date.AddDays(1));
        await using var command = dataSource.CreateCommand(SqlResource.Get("Planning/GridOnDate.sql"));
        command.Parameters.AddWithValue("lon", lon);
        command.Parameters.AddWithValue("lat", lat);
        command.Parameters.AddWithValue("moment", endOfDay.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new GridOnDate(reader.GetString(0), reader.GetBoolean(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetDouble(5))
            : null;
    }


    private sealed record Result(GridLayout? Layout, LineageView? Lineage, string? Refusal, IReadOnlyList<TopologyViolation> Violations);

    /// <summary>Loads the caller's draft (made when missing) under the lock, applies <paramref name="change"/> if any, saves it and answers with its view.</summary>
    private async Task<Outcome<DraftView>> InDraftAsync(Caller caller, AdminCode village, int? draftVersion,
        Func<Context, GridLayout, Result?> change, CancellationToken ct)
    {
        if (Refuse(caller, village) is { } refused)
            return refused;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await VillageAsync(connection, village, ct) is not { } row)
            return NoVillage(village);
        if (await RequireLockAsync(connection, caller, village, ct) is { } notHeld)
            return PlanningProblems.Locked(notHeld);
        var context = await ContextAsync(connection, village, row, ct);
        var now = clock.GetUtcNow();
        var draftRow = await DraftRowAsync(connection, village, caller.Username, ct);
        if (draftRow is null)
        {
            draftRow = new DraftRow(caller.Username, row.Version, 1, context.Frame.Srid, [.. context.Published.RetiredSequences], [], now);
            await SaveDraftAsync(connection, village, draftRow, context.Published, ct);
        }
        if (draftVersion is { } expected && expected != draftRow.DraftVersion)
            return StaleDraft(village, expected, draftRow.DraftVersion);

        var layout = await DraftLayoutAsync(connection, context, draftRow, ct);
        if (change(context, layout) is { } result)
        {
            if (result.Layout is null)
                return PlanningProblems.Refused(result.Refusal!, [.. result.Violations.Select(v => View(context, v))]);
            layout = result.Layout;
            draftRow = draftRow with
            {
                DraftVersion = draftRow.DraftVersion + 1,
                RetiredSequences = [.. layout.RetiredSequences],
                Lineage = [.. draftRow.Lineage, result.Lineage!],
                UpdatedAt = now,
            };
            await SaveDraftAsync(connection, village, draftRow, layout, ct);
        }
        var baseLayout = draftRow.BaseVersion == row.Version ? context.Published : await PublishedLayoutAsync(connection, context, draftRow.BaseVersion, ct);
        await transaction.CommitAsync(ct);
        return Outcome<DraftView>.Ok(View(context, draftRow, baseLayout, layout));
    }

    private static Result Apply(Context context, GridLayout layout, DraftEdit edit)
    {
        var frame = context.Frame;
        var rules = context.Rules;
        EditResult outcome;
        try
        {
            outcome = edit.Edit switch
            {
                "split" when Grid(layout, edit.Grid) is { } grid && edit.Line is { } line =>
                    GridEdits.Split(layout, grid, (LineString)frame.ProjectDrawn(line), rules),
                "merge" when Grid(layout, edit.Grid) is { } first && Grid(layout, edit.Other) is { } second =>
                    GridEdits.Merge(layout, first, second, rules),
                "dissolve" when Grid(layout, edit.Grid) is { } grid && Grid(layout, edit.Other) is { } into =>
                    GridEdits.Dissolve(layout, grid, into, rules),
                "carve" when edit.Polygon is { } polygon => GridEdits.Carve(layout, frame.ProjectDrawn(polygon), rules),
                "moveVertex" when edit.From is { } from && edit.To is { } to =>
                    GridEdits.MoveSharedVertex(layout, Snap(layout, frame.ToMetres(from.X, from.Y)), frame.ToMetres(to.X, to.Y), rules),
                "reshapeEdge" when Grid(layout, edit.Grid) is { } first && Grid(layout, edit.Other) is { } second && edit.Line is { } line =>
                    GridEdits.ReshapeSharedEdge(layout, first, second, SnapEnds(layout, (LineString)frame.ProjectDrawn(line)), rules),
                _ => null!,
            };
        }
        catch (ArgumentException e)
        {
            return new Result(null, null, $"The {edit.Edit} cannot be done: {e.Message}", []);
        }
        if (outcome is null)
            return new Result(null, null, Needs(layout, edit), []);
        return outcome.Ok
            ? new Result(outcome.Layout, LineageView.Of(outcome.Lineage!), null, outcome.Violations)
            : new Result(null, null, outcome.Refusal, outcome.Violations);
    }

    private static string Needs(GridLayout layout, DraftEdit edit)
    {
        foreach (var code in new[] { edit.Grid, edit.Other })
            if (code is not null && Grid(layout, code) is null)
                return $"{code} is not a grid of the draft of village {layout.Village}.";
        return edit.Edit switch
        {
            "split" => "A split needs grid and line (a GeoJSON LineString crossing the grid).",
            "merge" => "A merge needs grid and other (two neighbouring grids).",
            "dissolve" => "A dissolve needs grid (the one deleted) and other (the neighbour that takes its ground).",
            "carve" => "A carve needs polygon (a GeoJSON Polygon, the new grid).",
            "moveVertex" => "A moveVertex needs from and to, each [lon, lat].",
            "reshapeEdge" => "A reshapeEdge needs grid, other and line (the new shared edge between the same two ends).",
            _ => $"edit is one of {string.Join(", ", DraftEdit.Kinds)}.",
        };
    }

    private static AdminCode? Grid(GridLayout layout, string? code) =>
        AdminCode.TryParse(code, out var parsed, out _) && layout.Grids.ContainsKey(parsed) ? parsed : null;

    /// <summary>The draft vertex nearest a clicked point, within <see cref="VertexSnapMetres"/>; the point itself otherwise.</summary>
    private static Coordinate Snap(GridLayout layout, Coordinate at)
    {
        var best = at;
        var bestDistance = VertexSnapMetres;
        foreach (var shape in layout.Grids.Values)
        {
            foreach (var c in shape.Coordinates)
            {
                var d = c.Distance(at);
                if (d < bestDistance)
                    (best, bestDistance) = (c, d);
            }
        }
        return best.Copy();
    }

    private static LineString SnapEnds(GridLayout layout, LineString line)
    {
        var coordinates = line.Coordinates.Select(c => c.Copy()).ToArray();
        coordinates[0] = Snap(layout, coordinates[0]);
        coordinates[^1] = Snap(layout, coordinates[^1]);
        return line.Factory.CreateLineString(coordinates);
    }

    private static Result Replace(Context context, GridLayout draft, IReadOnlyList<DraftFeature> features)
    {
        var village = context.Published.Village;
        var kept = new List<KeyValuePair<AdminCode, Geometry>>();
        var fresh = new List<Geometry>();
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            if (feature.Geometry is not (Polygon or MultiPolygon) || feature.Geometry.IsEmpty)
                return new Result(null, null, $"Feature {i + 1} is {(feature.Geometry.IsEmpty ? "empty" : "a " + feature.Geometry.GeometryType)}; a grid is a polygon.", []);
            var shape = context.Frame.ProjectDrawn(feature.Geometry);
            if (shape is MultiPolygon { NumGeometries: 1 } single)
                shape = single.GetGeometryN(0);
            if (string.IsNullOrEmpty(feature.Code))
            {
                fresh.Add(shape);
                continue;
            }
            if (!AdminCode.TryParse(feature.Code, out var code, out _) || code.Level != AdminLevel.Grid || code.Parent != village
                || !(draft.Grids.ContainsKey(code) || context.Published.Grids.ContainsKey(code)))
                return new Result(null, null, $"Feature {i + 1} has code '{Truncate(feature.Code)}', which is not a grid of village {village}; leave the code empty for a new grid.", []);
            if (kept.Any(k => k.Key == code))
                return new Result(null, null, $"Grid {code} appears twice.", []);
            kept.Add(KeyValuePair.Create(code, shape));
        }
        // A replacement is judged against the published layout alone: codes an earlier edit of this draft gave out and
        // the file does not keep were never published, so they are not retired, and importing the same file twice
        // gives the same codes.
        var published = context.Published;
        var keptCodes = kept.Select(k => k.Key).ToHashSet();
        var retired = draft.Grids.Keys.Concat(published.Grids.Keys).Where(c => !keptCodes.Contains(c)).Distinct().ToList();
        var used = published.UsedSequences.Concat(keptCodes.Select(GridCode.Sequence));
        if (!GridCodeAssigner.TryAssign(village, used, [.. kept.Select(k => k.Value)], fresh, out var codes, out var error))
            return new Result(null, null, error, []);
        var retiredSequences = published.RetiredSequences.Union(published.Grids.Keys.Where(c => !keptCodes.Contains(c)).Select(GridCode.Sequence));
        var layout = new GridLayout(village, draft.Boundary, [.. kept, .. codes.Zip(fresh, KeyValuePair.Create)], retiredSequences,
            draft.Buildings, draft.OpenEvents);
        var lineage = new LineageView("replace", [.. retired.Concat(kept.Select(k => k.Key)).Distinct().Select(c => c.Value).Order(StringComparer.Ordinal)],
            [.. kept.Select(k => k.Key).Concat(codes).Select(c => c.Value).Order(StringComparer.Ordinal)]);
        return new Result(layout, lineage, null, []);
    }

    private static DraftView View(Context context, DraftRow draft, GridLayout baseLayout, GridLayout layout)
    {
        var changes = GridChanges.Between(baseLayout, layout);
        var preview = GuidelinePreview.Of(layout, context.Rules).ToDictionary(p => p.Code);
        var violations = TopologyRules.Check(layout, context.Rules).Select(v => View(context, v)).ToList();
        var features = layout.Grids.Select(g =>
        {
            var p = preview[g.Key];
            var status = changes.Added.Contains(g.Key) ? "added" : changes.Reshaped.Contains(g.Key) ? "reshaped" : "kept";
            return new FeatureView<DraftGridProperties>(context.Frame.ToLonLat(g.Value),
                new DraftGridProperties(g.Key.Value, status, p.Households, p.People, p.OpenEvents, Math.Round(p.Area, 1), [.. p.Warnings.Select(w => w.Message)]));
        }).ToList();
        return new DraftView(layout.Village.Value, draft.BaseVersion, draft.DraftVersion, new FeatureCollectionView<DraftGridProperties>(features),
            violations, draft.Lineage, violations.Count == 0 && !changes.IsEmpty);
    }

    private static ViolationView View(Context context, TopologyViolation v) =>
        new(Camel(v.Rule.ToString()), [.. v.GridCodes.Select(c => c.Value)], v.Message, context.Frame.ToLonLat(v.Location));


    private sealed record VillageRow(string Name, double Lon, bool Urban, int Version, DateTimeOffset ValidFrom);

    private sealed record LockRow(EditLock Lock, string? HolderName)
    {
        public LockView View => new(Lock.Holder, HolderName, Lock.Acquired, Lock.Expires);
    }

    private sealed record DraftRow(string Author, int BaseVersion, int DraftVersion, int Srid, IReadOnlyList<int> RetiredSequences,
        IReadOnlyList<LineageView> Lineage, DateTimeOffset UpdatedAt);

    /// <summary>A village loaded for editing: its frame, rules and published layout (with buildings and open events, in metres).</summary>
    private sealed record Context(VillageFrame Frame, TopologyRules Rules, GridLayout Published);

    private async Task<Context> ContextAsync(NpgsqlConnection connection, AdminCode village, VillageRow row, CancellationToken ct)
    {
        var frame = new VillageFrame(row.Lon);
        var grids = await GridsAsync(connection, "Planning/PublishedGrids.sql", village, row.Version, frame.ToMetres, ct);
        var boundary = UnaryUnionNG.Union(grids.Select(g => g.Value).ToList(), frame.Factory, GridLayout.Precision);
        var buildings = new List<Building>();
        await ReadAsync(connection, "Planning/Buildings.sql", p => p.AddWithValue("village", village.Value), r => buildings.Add(new Building(
            r.GetString(0), frame.Factory.CreatePoint(frame.ToMetres(r.GetDouble(1), r.GetDouble(2))), r.GetInt32(3), r.GetInt32(4))), ct);
        var events = new List<OpenEvent>();
        await ReadAsync(connection, "Planning/OpenEvents.sql", p => p.AddWithValue("village", village.Value), r => events.Add(new OpenEvent(
            r.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture), frame.Factory.CreatePoint(frame.ToMetres(r.GetDouble(1), r.GetDouble(2))))), ct);
        var retired = new List<int>();
        await ReadAsync(connection, "Planning/RetiredSequences.sql", p => p.AddWithValue("village", village.Value), r => retired.Add(r.GetInt32(0)), ct);
        var rules = TopologyRules.Default with { Households = row.Urban ? HouseholdGuideline.UrbanComprehensive : HouseholdGuideline.Rural };
        return new Context(frame, rules, new GridLayout(village, boundary, grids, retired, buildings, events));
    }

    private static async Task<GridLayout> PublishedLayoutAsync(NpgsqlConnection connection, Context context, int version, CancellationToken ct)
    {
        var published = context.Published;
        var grids = await GridsAsync(connection, "Planning/PublishedGrids.sql", published.Village, version, context.Frame.ToMetres, ct);
        var codes = grids.Select(g => GridCode.Sequence(g.Key)).ToHashSet();
        return new GridLayout(published.Village, published.Boundary, grids, published.RetiredSequences.Where(s => !codes.Contains(s)),
            published.Buildings, published.OpenEvents);
    }

    private static async Task<GridLayout> DraftLayoutAsync(NpgsqlConnection connection, Context context, DraftRow draft, CancellationToken ct)
    {
        var published = context.Published;
        var grids = new List<KeyValuePair<AdminCode, Geometry>>();
        await ReadAsync(connection, "Planning/DraftGrids.sql", p =>
        {
            p.AddWithValue("village", published.Village.Value);
            p.AddWithValue("author", draft.Author);
        }, r => grids.Add(KeyValuePair.Create(AdminCode.Parse(r.GetString(0)), r.GetFieldValue<Geometry>(1))), ct);
        var inUse = grids.Select(g => GridCode.Sequence(g.Key)).ToHashSet();
        var retired = draft.RetiredSequences.Concat(published.RetiredSequences).Where(s => !inUse.Contains(s));
        return new GridLayout(published.Village, published.Boundary, grids, retired, published.Buildings, published.OpenEvents);
    }

    private static async Task<List<KeyValuePair<AdminCode, Geometry>>> GridsAsync(NpgsqlConnection connection, string sql, AdminCode village, int version,
        Func<Geometry, Geometry> project, CancellationToken ct)
    {
        var grids = new List<KeyValuePair<AdminCode, Geometry>>();
        await ReadAsync(connection, sql, p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("version", version);
        }, r =>
        {
            var shape = project(r.GetFieldValue<Geometry>(1));
            // Stored grids are MultiPolygons of one part; the Domain speaks of a grid as one polygon.
            if (shape is MultiPolygon { NumGeometries: 1 } single)
                shape = single.GetGeometryN(0);
            grids.Add(KeyValuePair.Create(AdminCode.Parse(r.GetString(0)), shape));
        }, ct);
        return grids;
    }

    private static async Task<VillageRow?> VillageAsync(NpgsqlConnection connection, AdminCode village, CancellationToken ct)
    {
        VillageRow? row = null;
        await ReadAsync(connection, "Planning/Village.sql", p => p.AddWithValue("village", village.Value), r =>
        {
            if (!r.IsDBNull(3))
                row = new VillageRow(r.GetString(0), r.GetDouble(1), r.GetBoolean(2), r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4));
        }, ct);
        return row;
    }

    private static async Task<LockRow?> LockAsync(NpgsqlConnection connection, AdminCode village, CancellationToken ct)
    {
        LockRow? row = null;
        await ReadAsync(connection, "Planning/GetLock.sql", p => p.AddWithValue("village", village.Value), r => row = new LockRow(
            new EditLock(village, r.GetString(0), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3)),
            r.IsDBNull(1) ? null : r.GetString(1)), ct);
        return row;
    }

    private async Task<string?> RequireLockAsync(NpgsqlConnection connection, Caller caller, AdminCode village, CancellationToken ct)
    {
        var current = await LockAsync(connection, village, ct);
        var now = clock.GetUtcNow();
        if (current is null)
            return $"Take the lock on village {village} first (POST /api/planning/villages/{village}/lock).";
        if (current.Lock.IsHeldBy(caller.Username, now))
            return null;
        return current.Lock.Holder == caller.Username
            ? $"Your lock on village {village} lapsed at {current.Lock.Expires:yyyy-MM-dd HH:mm zzz}; take it again."
            : Held(current, current.Lock.IsExpired(now) ? $"The lock on {village} held by {current.Lock.Holder} has lapsed; take it first." : current.Lock.HeldMessage());
    }

    private static string Held(LockRow held, string refusal) =>
        held.HolderName is { } name ? refusal.Replace($"by {held.Lock.Holder}", $"by {name} ({held.Lock.Holder})", StringComparison.Ordinal) : refusal;

    private static async Task PutLockAsync(NpgsqlConnection connection, EditLock held, CancellationToken ct) =>
        await ExecuteAsync(connection, "Planning/PutLock.sql", p =>
        {
            p.AddWithValue("village", held.Village.Value);
            p.AddWithValue("holder", held.Holder);
            p.AddWithValue("acquired", held.Acquired);
            p.AddWithValue("expires", held.Expires);
        }, ct);

    private static async Task<string?> DisplayNameAsync(NpgsqlConnection connection, string username, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT display_name FROM account WHERE username = @username", connection);
        command.Parameters.AddWithValue("username", username);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<DraftRow?> DraftRowAsync(NpgsqlConnection connection, AdminCode village, string author, CancellationToken ct)
    {
        DraftRow? row = null;
        await ReadAsync(connection, "Planning/GetDraft.sql", p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("author", author);
        }, r => row = new DraftRow(
            r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetFieldValue<int[]>(4),
            JsonSerializer.Deserialize<List<LineageView>>(r.GetString(5), LineageJson) ?? [], r.GetFieldValue<DateTimeOffset>(6)), ct);
        return row;
    }

    private static async Task SaveDraftAsync(NpgsqlConnection connection, AdminCode village, DraftRow draft, GridLayout layout, CancellationToken ct) =>
        await ExecuteAsync(connection, "Planning/SaveDraft.sql", p =>
        {
            p.AddWithValue("village", village.Value);
            p.AddWithValue("author", draft.Author);
            p.AddWithValue("base_version", draft.BaseVersion);
            p.AddWithValue("draft_version", draft.DraftVersion);
            p.AddWithValue("srid", draft.Srid);
            p.AddWithValue("retired_sequences", draft.RetiredSequences.ToArray());
            p.AddWithValue("lineage", JsonSerializer.Serialize(draft.Lineage, LineageJson));
            p.AddWithValue("now", draft.UpdatedAt);
            p.AddWithValue("codes", layout.Grids.Keys.Select(c => c.Value).ToArray());
            p.Add(new NpgsqlParameter("geoms", NpgsqlDbType.Array | NpgsqlDbType.Geometry) { Value = layout.Grids.Values.ToArray() });
        }, ct);


    private static Problem? Refuse(Caller caller, AdminCode village)
    {
        if (caller.Role is not (Role.Planner or Role.Admin))
            return PlanningProblems.NotAPlanner($"A {caller.Role.Slug()} account does not edit grid boundaries; planners and administrators do.");
        if (village.Level != AdminLevel.Village)
            return PlanningProblems.NotFound($"{village} is not a village code (12 digits).");
        return caller.Covers(village.Value) ? null : NoVillage(village);
    }

    private static Problem NoVillage(AdminCode village) =>
        PlanningProblems.NotFound($"No village {village} in your area.");

    private static Problem StaleDraft(AdminCode village, int sent, int current) => PlanningProblems.StaleDraft(
        $"The draft of village {village} is at version {current}, not {sent}: it changed since you loaded it. Reload the draft and edit again.", current);

    private static string[] Codes(IEnumerable<AdminCode> codes) => [.. codes.Select(c => c.Value).Order(StringComparer.Ordinal)];

    private static MultiPolygon AsMultiPolygon(Geometry shape) => shape switch
    {
        MultiPolygon multi => multi,
        Polygon polygon => Geo.Factory.CreateMultiPolygon([polygon]),
        _ => throw new InvalidOperationException($"A grid is a polygon, not a {shape.GeometryType}."),
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, Action<NpgsqlParameterCollection> parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get(sql), connection);
        parameters(command.Parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<(int, int)> PairAsync(NpgsqlConnection connection, string sql, Action<NpgsqlParameterCollection> parameters, CancellationToken ct)
    {
        (int, int) pair = default;
        await ReadAsync(connection, sql, parameters, r => pair = (r.GetInt32(0), r.GetInt32(1)), ct);
        return pair;
    }

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, Action<NpgsqlParameterCollection> parameters, Action<NpgsqlDataReader> row,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get(sql), connection);
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            row(reader);
    }
}

/// <summary>The grid that held a point on a date: its code, whether it has been retired since, and the version span of that shape.</summary>
public sealed record GridOnDate(string Code, bool Retired, int FromVersion, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo, double AreaM2);
