using GridMap.Domain.Codes;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Units;

/// <summary>Reads admin units and their figures. Grids answer here too, as the last level of the drill-down.</summary>
public sealed class UnitStore(ReadReplicas replicas)
{
    // Reads only: on the standbys when there are any (issue 20, item 1).
    private NpgsqlDataSource Source => replicas.Reads;

    public async Task<UnitView?> GetAsync(AdminCode code, CancellationToken ct = default)
    {
        var chain = await GetChainAsync(code, ct);
        if (code.Level == AdminLevel.Grid)
            return await GetGridAsync(code, chain, ct);

        await using var command = Source.CreateCommand(SqlResource.Get("Units/GetUnit.sql"));
        command.Parameters.AddWithValue("code", code.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new UnitView(
            Code: reader.GetString(0),
            Name: reader.GetString(1),
            Level: (AdminLevel)reader.GetInt16(2),
            Chain: chain,
            ChildCount: reader.GetInt32(17),
            GridCount: reader.GetInt32(14),
            ManagerCount: reader.GetInt32(15),
            VacantCount: reader.GetInt32(16),
            AreaM2: reader.GetDouble(3),
            Households: reader.IsDBNull(4) ? null : reader.GetInt32(4),
            Urban: reader.GetBoolean(5),
            BoundarySource: reader.GetString(6),
            StatCode2016: reader.IsDBNull(7) ? null : reader.GetString(7),
            Bbox: [reader.GetDouble(8), reader.GetDouble(9), reader.GetDouble(10), reader.GetDouble(11)],
            LabelPoint: [reader.GetDouble(12), reader.GetDouble(13)]);
    }

    private async Task<UnitView?> GetGridAsync(AdminCode code, IReadOnlyList<UnitRef> chain, CancellationToken ct)
    {
        await using var command = Source.CreateCommand(SqlResource.Get("Units/GetGridAsUnit.sql"));
        command.Parameters.AddWithValue("code", code.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        var staffed = reader.GetBoolean(9);
        return new UnitView(
            Code: code.Value,
            Name: GridCode.DisplayName(code),
            Level: AdminLevel.Grid,
            Chain: [.. chain, new UnitRef(code.Value, GridCode.DisplayName(code), AdminLevel.Grid)],
            ChildCount: 0,
            GridCount: 1,
            ManagerCount: staffed ? 1 : 0,
            VacantCount: staffed ? 0 : 1,
            AreaM2: reader.GetDouble(1),
            Households: reader.GetInt32(2),
            Urban: reader.GetBoolean(10),
            BoundarySource: "synthetic",
            StatCode2016: null,
            Bbox: [reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6)],
            LabelPoint: [reader.GetDouble(7), reader.GetDouble(8)]);
    }

    /// <summary>The unit's or grid's outline as GeoJSON geometry text, or null for an unknown code.</summary>
    public async Task<string?> GetGeometryJsonAsync(AdminCode code, CancellationToken ct = default)
    {
        await using var command = Source.CreateCommand(SqlResource.Get("Units/GetGeometry.sql"));
        command.Parameters.AddWithValue("code", code.Value);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The named admin units above and including <paramref name="code"/> (grids excluded), province first.</summary>
    public async Task<IReadOnlyList<UnitRef>> GetChainAsync(AdminCode code, CancellationToken ct = default)
    {
        await using var command = Source.CreateCommand(SqlResource.Get("Units/GetChain.sql"));
        command.Parameters.AddWithValue("codes", code.Chain.Where(c => c.Level != AdminLevel.Grid).Select(c => c.Value).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var chain = new List<UnitRef>();
        while (await reader.ReadAsync(ct))
            chain.Add(new UnitRef(reader.GetString(0), reader.GetString(1), (AdminLevel)reader.GetInt16(2)));
        return chain;
    }

    /// <summary>The children of a unit, or null when the unit does not exist. A grid has an empty list.</summary>
    public async Task<IReadOnlyList<ChildView>?> GetChildrenAsync(AdminCode code, CancellationToken ct = default)
    {
        await using (var exists = Source.CreateCommand(SqlResource.Get("Units/Exists.sql")))
        {
            exists.Parameters.AddWithValue("code", code.Value);
            if (await exists.ExecuteScalarAsync(ct) is not true)
                return null;
        }
        return code.Level switch
        {
            AdminLevel.Grid => [],
            AdminLevel.Village => await ReadGridChildrenAsync(code, ct),
            _ => await ReadUnitChildrenAsync(code, ct),
        };
    }

    private async Task<IReadOnlyList<ChildView>> ReadUnitChildrenAsync(AdminCode code, CancellationToken ct)
    {
        await using var command = Source.CreateCommand(SqlResource.Get("Units/GetChildren.sql"));
        command.Parameters.AddWithValue("code", code.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var children = new List<ChildView>();
        while (await reader.ReadAsync(ct))
        {
            children.Add(new ChildView(
                Code: reader.GetString(0),
                Name: reader.GetString(1),
                Level: (AdminLevel)reader.GetInt16(2),
                GridCount: reader.GetInt32(3),
                ManagerCount: reader.GetInt32(4),
                VacantCount: reader.GetInt32(5),
                AreaM2: reader.GetDouble(6),
                Households: reader.IsDBNull(7) ? null : reader.GetInt32(7),
                Urban: reader.GetBoolean(8),
                ManagerName: null,
                LabelPoint: [reader.GetDouble(9), reader.GetDouble(10)]));
        }
        return children;
    }

    private async Task<IReadOnlyList<ChildView>> ReadGridChildrenAsync(AdminCode village, CancellationToken ct)
    {
        await using var command = Source.CreateCommand(SqlResource.Get("Units/GetGridChildren.sql"));
        command.Parameters.AddWithValue("code", village.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var children = new List<ChildView>();
        while (await reader.ReadAsync(ct))
        {
            var code = AdminCode.Parse(reader.GetString(0));
            var manager = reader.IsDBNull(3) ? null : reader.GetString(3);
            children.Add(new ChildView(
                Code: code.Value,
                Name: GridCode.DisplayName(code),
                Level: AdminLevel.Grid,
                GridCount: 1,
                ManagerCount: manager is null ? 0 : 1,
                VacantCount: manager is null ? 1 : 0,
                AreaM2: reader.GetDouble(1),
                Households: reader.GetInt32(2),
                Urban: reader.GetBoolean(6),
                ManagerName: manager,
                LabelPoint: [reader.GetDouble(4), reader.GetDouble(5)]));
        }
        return children;
    }
}
