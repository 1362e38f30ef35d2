using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Proxy;
using GridMap.Store.Database;
using GridMap.Store.Imports;
using Npgsql;

namespace GridMap.Store.Proxy;

/// <summary>A catalogue service as the API shows it: the working days a request gets for it, besides the catalogue's own limit.</summary>
public sealed record CatalogueServiceView(int Key, string Level, string Department, string Name, string Kind, string CompetentLevel, int? TimeLimitDays,
    string? TimeLimitNote, int WorkingDaysGiven, IReadOnlyList<string> Documents, string Source, string? SourceLocality);

/// <summary>One version of a county's catalogue with its services.</summary>
public sealed record CatalogueView(string County, int Version, DateTimeOffset CreatedAt, string CreatedBy, string Note, DateTimeOffset? RetiredAt,
    IReadOnlyList<CatalogueServiceView> Services);

/// <summary>A version as the history lists it.</summary>
public sealed record CatalogueVersionView(int Version, DateTimeOffset CreatedAt, string CreatedBy, string Note, DateTimeOffset? RetiredAt, int Services);

/// <summary>A county admin's change to the catalogue: add a service, replace one (same key), or retire one.</summary>
public abstract record CatalogueEdit
{
    public sealed record Add(CatalogueService Service) : CatalogueEdit;

    public sealed record Replace(int Key, CatalogueService Service) : CatalogueEdit;

    public sealed record Retire(int Key) : CatalogueEdit;
}

/// <summary>
/// Each county's devolved-service catalogue (便民服务事项目录) in versions: loaded from a sourced file, edited by the
/// county's admin one change at a time — each change writes the next version and retires the one before, so a request
/// keeps the version it started under.
/// </summary>
public sealed class CatalogueStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The county's current version, or the version asked for; null when there is none.</summary>
    public async Task<CatalogueView?> GetAsync(string county, int? version, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var head = new NpgsqlCommand("""
            SELECT id, version, created_at, created_by, note, retired_at FROM service_catalogue
            WHERE county_code = $1 AND (CASE WHEN $2 = 0 THEN retired_at IS NULL ELSE version = $2 END)
            """, connection);
        head.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        head.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version ?? 0 });
        int id;
        CatalogueView view;
        await using (var r = await head.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct))
                return null;
            id = r.GetInt32(0);
            view = new CatalogueView(county, r.GetInt32(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), []);
        }
        var services = await ServicesAsync(connection, null, id, null, ct);
        return view with { Services = [.. services.Select(s => View(s.Key, s.Service))] };
    }

    public async Task<IReadOnlyList<CatalogueVersionView>> VersionsAsync(string county, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.version, c.created_at, c.created_by, c.note, c.retired_at, (SELECT count(*) FROM catalogue_service s WHERE s.catalogue_id = c.id)::int
            FROM service_catalogue c WHERE c.county_code = $1 ORDER BY c.version DESC
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        return await command.ListAsync(r => new CatalogueVersionView(r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetInt32(5)), ct);
    }

    /// <summary>
    /// Writes <paramref name="services"/> as the county's next version (the first when it has none); with
    /// <paramref name="ifMissing"/> a county that has a catalogue is left alone and null returned.
    /// </summary>
    public async Task<int?> PublishAsync(string county, IReadOnlyList<CatalogueService> services, string actor, string note, bool ifMissing,
        CancellationToken ct = default)
    {
        if (services.Select((s, i) => (CatalogueRules.Check(s), i)).FirstOrDefault(x => x.Item1 is not null) is ({ } bad, var row))
            throw new ArgumentException($"Service {row + 1} ({services[row].Name}): {bad.Field}: {bad.Message}", nameof(services));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockCountyAsync(connection, transaction, county, ct);
        var current = await CurrentAsync(connection, transaction, county, ct);
        if (current is not null && ifMissing)
            return null;
        var next = await NextVersionAsync(connection, transaction, county, current?.Id, actor, note, ct);
        foreach (var service in services)
            await InsertAsync(connection, transaction, next.Id, null, CatalogueRules.Normalise(service), ct);
        await transaction.CommitAsync(ct);
        return next.Version;
    }

    /// <summary>
    /// A county admin's change: checked, then written as the next version with the rest copied; a stale
    /// <paramref name="expectedVersion"/> (someone edited meanwhile) is a 409 and changes nothing.
    /// </summary>
    public async Task<Outcome<CatalogueView>> EditAsync(Caller caller, string county, int expectedVersion, CatalogueEdit edit, string? note,
        CancellationToken ct = default)
    {
        if (caller.Role != Role.Admin || !caller.Covers(county))
            return Problem.Forbidden($"Only an administrator of county {county} edits its catalogue.");
        var service = edit switch
        {
            CatalogueEdit.Add a => a.Service,
            CatalogueEdit.Replace r => r.Service,
            _ => null,
        };
        if (service is not null && CatalogueRules.Check(service) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        if (note is { Length: > 500 })
            return Problem.InvalidField("note", "The note has at most 500 characters.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockCountyAsync(connection, transaction, county, ct);
        if (await CurrentAsync(connection, transaction, county, ct) is not { } current)
            return Problem.NotFound($"County {county} has no catalogue yet.");
        if (current.Version != expectedVersion)
            return Problem.Conflict($"The catalogue is at version {current.Version} now (you edited {expectedVersion}); reload it.");
        var services = await ServicesAsync(connection, transaction, current.Id, null, ct);
        var key = edit switch
        {
            CatalogueEdit.Replace r => r.Key,
            CatalogueEdit.Retire r => r.Key,
            _ => (int?)null,
        };
        if (key is { } k && services.All(s => s.Key != k))
            return Problem.NotFound($"No service {k} in the current catalogue.");
        if (service is not null && services.Any(s => s.Key != key && s.Service.Level == service.Level && s.Service.Name == service.Name.Trim()))
            return Problem.InvalidField("name", $"The {service.Level.Slug()} centre already offers '{service.Name.Trim()}'.");
        var what = edit switch
        {
            CatalogueEdit.Add a => $"added {a.Service.Name.Trim()}",
            CatalogueEdit.Replace r => $"changed {r.Key} {r.Service.Name.Trim()}",
            CatalogueEdit.Retire r => $"retired {r.Key} {services.First(s => s.Key == r.Key).Service.Name}",
            _ => throw new ArgumentOutOfRangeException(nameof(edit), edit, null),
        };
        var next = await NextVersionAsync(connection, transaction, county, current.Id, caller.Username,
            string.IsNullOrWhiteSpace(note) ? what : $"{what}: {note.Trim()}", ct);
        await using (var copy = new NpgsqlCommand("""
            INSERT INTO catalogue_service (catalogue_id, service_key, level, department, name, kind, competent_level, time_limit_days, time_limit_note,
                documents, source, source_locality)
            SELECT $1, service_key, level, department, name, kind, competent_level, time_limit_days, time_limit_note, documents, source, source_locality
            FROM catalogue_service WHERE catalogue_id = $2 AND service_key IS DISTINCT FROM $3
            """, connection, transaction))
        {
            copy.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next.Id });
            copy.Parameters.Add(new NpgsqlParameter<int> { TypedValue = current.Id });
            copy.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = key, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            await copy.ExecuteNonQueryAsync(ct);
        }
        if (service is not null)
            await InsertAsync(connection, transaction, next.Id, key, CatalogueRules.Normalise(service), ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await GetAsync(county, next.Version, ct))!);
    }

    /// <summary>Reads a catalogue file (the columns of data/catalogue/devolved_services.csv); throws with the line on a bad row.</summary>
    public static async Task<IReadOnlyList<CatalogueService>> ReadFileAsync(TextReader text, CancellationToken ct = default)
    {
        await using var reader = new CsvRecordReader(text);
        var fields = new List<string>();
        if (!await reader.ReadAsync(fields, ct))
            return [];
        var header = fields.Select((name, i) => (name, i)).ToDictionary(x => x.name.Trim(), x => x.i);
        string Field(string name) => header.TryGetValue(name, out var i) && i < fields.Count ? fields[i].Trim() : "";
        var services = new List<CatalogueService>();
        while (await reader.ReadAsync(fields, ct))
        {
            var line = reader.RecordLine;
            var level = Field("level") switch
            {
                "township" => AdminLevel.Township,
                "village" => AdminLevel.Village,
                var other => throw new FormatException($"Line {line}: level '{other}' is township or village."),
            };
            var kind = CatalogueRules.FromChinese(Field("kind")) ?? throw new FormatException($"Line {line}: kind is 受理, 办理 or 代办.");
            // No deciding level in the source: a service the centre handles is decided there, one it accepts by the county.
            var competent = Field("competent_level") switch
            {
                "village" => AdminLevel.Village,
                "township" => AdminLevel.Township,
                "county" => AdminLevel.County,
                "" => kind == ServiceKind.Handle ? level : AdminLevel.County,
                var other => throw new FormatException($"Line {line}: competent_level '{other}' is village, township or county."),
            };
            var days = Field("time_limit_working_days");
            int? limit = days.Length == 0 ? null
                : int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
                : throw new FormatException($"Line {line}: time_limit_working_days '{days}' is a whole number of working days or empty.");
            var service = new CatalogueService(level, Field("department_slug"), Field("service_zh"), kind, competent, limit,
                Field("time_limit_source") is { Length: > 0 } note ? note[..Math.Min(note.Length, 500)] : null,
                [.. Field("documents").Split(['；', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()],
                Field("source"), Field("source_locality") is { Length: > 0 } place ? place : null);
            if (CatalogueRules.Check(service) is { } bad)
                throw new FormatException($"Line {line}: {bad.Field}: {bad.Message}");
            if (services.Any(s => s.Level == service.Level && s.Name == service.Name.Trim()))
                throw new FormatException($"Line {line}: '{service.Name}' is listed twice at {service.Level.Slug()} level.");
            services.Add(CatalogueRules.Normalise(service));
        }
        return services;
    }

    internal sealed record Current(int Id, int Version);

    /// <summary>The county's current version, or null.</summary>
    internal static async Task<Current?> CurrentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string county, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id, version FROM service_catalogue WHERE county_code = $1 AND retired_at IS NULL",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        await using var r = await command.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Current(r.GetInt32(0), r.GetInt32(1)) : null;
    }

    /// <summary>The services of a catalogue version (one key, or all).</summary>
    internal static async Task<List<(int Key, CatalogueService Service)>> ServicesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        int catalogueId, int? key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT service_key, level, department, name, kind, competent_level, time_limit_days, time_limit_note, documents, source, source_locality
            FROM catalogue_service WHERE catalogue_id = $1 AND ($2::int IS NULL OR service_key = $2) ORDER BY level, department, service_key
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = catalogueId });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = key, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        return await command.ListAsync(r => (r.GetInt32(0), new CatalogueService((AdminLevel)r.GetInt16(1), r.GetString(2), r.GetString(3),
            Enum.Parse<ServiceKind>(r.GetString(4), true), (AdminLevel)r.GetInt16(5), r.IsDBNull(6) ? null : r.GetInt16(6),
            r.IsDBNull(7) ? null : r.GetString(7), r.GetFieldValue<string[]>(8), r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10))), ct);
    }

    internal static CatalogueServiceView View(int key, CatalogueService s) =>
        new(key, s.Level.Slug(), s.Department, s.Name, s.Kind.Slug(), s.CompetentLevel.Slug(), s.TimeLimitDays, s.TimeLimitNote,
            CatalogueRules.WorkingDaysFor(s), s.Documents, s.Source, s.SourceLocality);

    /// <summary>Serialises writers of one county's catalogue (the first version has no row to lock yet).</summary>
    private static async Task LockCountyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string county, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('service_catalogue:' || $1))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<Current> NextVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string county, int? retiring, string actor,
        string note, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        await using (var retire = new NpgsqlCommand("UPDATE service_catalogue SET retired_at = $2 WHERE id = $1", connection, transaction))
        {
            retire.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = retiring, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            retire.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await retire.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO service_catalogue (county_code, version, created_at, created_by, note)
            VALUES ($1, coalesce((SELECT max(version) FROM service_catalogue WHERE county_code = $1), 0) + 1, $3, $2, $4)
            RETURNING id, version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note[..Math.Min(note.Length, 500)] });
        await using var r = await command.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Current(r.GetInt32(0), r.GetInt32(1));
    }

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int catalogueId, int? key, CatalogueService s,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO catalogue_service (catalogue_id, service_key, level, department, name, kind, competent_level, time_limit_days, time_limit_note,
                documents, source, source_locality)
            VALUES ($1, coalesce($2, nextval('catalogue_service_key_seq')::int), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = catalogueId });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = key, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)s.Level });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Department });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Kind.Slug() });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)s.CompetentLevel });
        command.Parameters.Add(new NpgsqlParameter<short?> { TypedValue = (short?)s.TimeLimitDays, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.TimeLimitNote, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. s.Documents] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Source });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.SourceLocality, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }
}
