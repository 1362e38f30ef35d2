using System.Diagnostics;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Disputes;
using GridMap.Domain.Events;
using GridMap.Store.Disputes;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Synthetic.Disputes;

/// <summary>What a generated year of disputes came to.</summary>
public sealed record DisputeLoad(int Disputes, int Settled, int Referred, int Open, TimeSpan Elapsed);

/// <summary>
/// A county's year of synthetic disputes (labelled 合成数据, recorded by "synthetic"), each played through
/// <see cref="DisputeWorkflow"/> by synthetic mediators of the grid, village, township and county, so states, levels,
/// deadlines and history are what the live workflow produces. The mix (chosen): most disputes are general and settle
/// in the village, large ones mostly in the township, major ones mostly in the county, a few go to court or petition;
/// disputes recorded in the last weeks may still be open.
/// </summary>
public sealed class DisputeGenerator(NpgsqlDataSource dataSource, TimeProvider? time = null)
{
    private static readonly string[] Kinds = ["邻里纠纷", "婚姻家庭纠纷", "土地承包纠纷", "宅基地纠纷", "山林水利纠纷", "劳务工资纠纷", "损害赔偿纠纷", "物业纠纷"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "牛", "秦", "申"];

    public async Task<bool> ExistsAsync(string county, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM dispute WHERE recorded_by = 'synthetic' AND starts_with(grid_code, $1))");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<DisputeLoad> GenerateAsync(string county, int year, int count, int seed, IProgress<(int Done, int Of)>? progress = null, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var grids = await CountyGrids.ListAsync(dataSource, county, ct);
        var random = new Random(seed);
        var calendar = WorkingCalendar.Default;
        var (start, end) = SyntheticYear.Span(year, time);
        int settled = 0, referred = 0, open = 0;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sql = SyntheticSql.Get("Disputes/InsertDispute.sql");
        for (var i = 0; i < count; i++)
        {
            var grid = AdminCode.Parse(grids[random.Next(grids.Count)]);
            var c = Play(grid, random, calendar, start.AddSeconds(random.NextDouble() * (end - start).TotalSeconds), end);
            (settled, referred, open) = c.State switch
            {
                DisputeState.Settled or DisputeState.Closed => (settled + 1, referred, open),
                DisputeState.Referred => (settled, referred + 1, open),
                _ => (settled, referred, open + 1),
            };
            await using var insert = new NpgsqlCommand(sql, connection, transaction);
            var finished = c.History.LastOrDefault(h => h.Action is "Settle" or "Refer")?.At;
            object?[] values =
            [
                c.Grid.Value, DisputeStore.Slug(c.Severity), c.Kind, c.Summary, DisputeStore.Slug(c.Source), (short)c.Level, DisputeStore.Slug(c.State), c.Mediator, c.Due, c.AgreementTerms,
                c.SettledAt is { } s ? (short)s : null, c.ReferredTo is { } r ? DisputeStore.Slug(r) : null, c.Sessions, c.FollowUps, c.History[0].At, finished,
                c.Parties.Select(p => p.Name).ToArray(), c.History.Select(h => h.At).ToArray(), c.History.Select(h => h.Actor).ToArray(),
                c.History.Select(h => h.Action).ToArray(), c.History.Select(h => (short)h.Level).ToArray(), c.History.Select(h => h.Note).ToArray(),
            ];
            foreach (var value in values)
                insert.Parameters.Add(value switch
                {
                    null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Unknown },
                    DateTimeOffset at => new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() },
                    DateTimeOffset[] ats => new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. ats.Select(a => a.ToUniversalTime())] },
                    string?[] notes => new NpgsqlParameter<string?[]> { TypedValue = notes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    _ => new NpgsqlParameter { Value = value },
                });
            await insert.ExecuteNonQueryAsync(ct);
            if ((i + 1) % 250 == 0 || i + 1 == count)
                progress?.Report((i + 1, count));
        }
        await transaction.CommitAsync(ct);
        return new DisputeLoad(count, settled, referred, open, watch.Elapsed);
    }

    private static DisputeCase Play(AdminCode grid, Random random, WorkingCalendar calendar, DateTimeOffset at, DateTimeOffset end)
    {
        var roll = random.NextDouble();
        var severity = roll < 0.85 ? DisputeSeverity.General : roll < 0.97 ? DisputeSeverity.Large : DisputeSeverity.Major;
        // Where it ends: the rule's level most of the time, sometimes below, sometimes beyond.
        var target = random.NextDouble();
        (AdminLevel Level, bool Refer) outcome = severity switch
        {
            DisputeSeverity.General => target < 0.55 ? (AdminLevel.Grid, false) : target < 0.93 ? (AdminLevel.Village, false)
                : target < 0.985 ? (AdminLevel.Township, false) : target < 0.995 ? (AdminLevel.County, false) : (AdminLevel.County, true),
            DisputeSeverity.Large => target < 0.25 ? (AdminLevel.Village, false) : target < 0.88 ? (AdminLevel.Township, false)
                : target < 0.97 ? (AdminLevel.County, false) : (AdminLevel.Township, true),
            _ => target < 0.05 ? (AdminLevel.Village, false) : target < 0.30 ? (AdminLevel.Township, false)
                : target < 0.90 ? (AdminLevel.County, false) : (AdminLevel.County, true),
        };
        var byGrid = random.NextDouble() < 0.75;
        var recorder = byGrid ? Mediator(AdminLevel.Grid, grid) : Mediator(AdminLevel.Village, grid);
        var kind = Kinds[random.Next(Kinds.Length)];
        var parties = Enumerable.Range(0, random.NextDouble() < 0.8 ? 2 : 3)
            .Select(_ => new DisputeParty(null, Surnames[random.Next(Surnames.Length)] + "某")).ToList();
        var c = DisputeWorkflow.Record(new NewDispute(grid, severity, kind, $"{kind}（合成数据）", random.NextDouble() < 0.6 ? DisputeSource.Patrol : DisputeSource.Resident,
            parties), recorder, at, calendar).Value!;
        DisputeCase Step(DisputeCase current, DisputeCommand command, Caller who)
        {
            var limit = DisputeWorkflow.LimitAt(current.Level).Amount;
            at = calendar.Due(at, TimeLimit.WorkingDays(1 + random.Next(Math.Max(1, limit - 1))));
            return at > end ? current : DisputeWorkflow.Apply(current, command, who, at, calendar).Value ?? current;
        }
        while (true)
        {
            var mediator = Mediator(c.Level, grid);
            var before = c.History.Count;
            c = Step(c, new DisputeCommand.TakeUp(), mediator);
            c = Step(c, new DisputeCommand.Session("调解：双方陈述，核实情况"), mediator);
            if (c.History.Count == before || at > end)
                return c;
            if (c.Level <= outcome.Level)
                break;
            c = Step(c, new DisputeCommand.Escalate("本级调解未果，上交上级"), mediator);
        }
        var last = Mediator(c.Level, grid);
        if (outcome.Refer)
            return Step(c, new DisputeCommand.Refer(random.NextDouble() < 0.7 ? ReferralTarget.Court : ReferralTarget.Petition, "调解不成，告知依法途径"), last);
        c = Step(c, new DisputeCommand.Settle("双方自愿达成协议（合成数据）"), last);
        if (c.State != DisputeState.Settled)
            return c;
        c = Step(c, new DisputeCommand.FollowUp("回访：协议已履行"), Mediator(AdminLevel.Grid, grid));
        return c.FollowUps > 0 && random.NextDouble() < 0.8 ? Step(c, new DisputeCommand.Close(null), Mediator(AdminLevel.Grid, grid)) : c;
    }

    private static Caller Mediator(AdminLevel level, AdminCode grid) => level switch
    {
        AdminLevel.Grid => new Caller("gm" + grid.Value, Role.GridManager, grid, new HashSet<DataCategory>(), false, null),
        AdminLevel.Village => new Caller("tjw" + grid.Value[..12], Role.VillageStaff, AdminCode.Parse(grid.Value[..12]), new HashSet<DataCategory>(), false, null),
        AdminLevel.Township => new Caller("tj" + grid.Value[..9], Role.TownshipStaff, AdminCode.Parse(grid.Value[..9]), new HashSet<DataCategory>(), false, null),
        _ => new Caller("sfj" + grid.Value[..6], Role.CountyStaff, AdminCode.Parse(grid.Value[..6]), new HashSet<DataCategory>(), false, null),
    };
}
