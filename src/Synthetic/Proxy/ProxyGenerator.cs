using System.Diagnostics;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Domain.Proxy;
using GridMap.Store.Proxy;
using Npgsql;

namespace GridMap.Synthetic.Proxy;

public sealed record ProxyLoad(int Requests, int Done, int Refused, int Open, int Late, TimeSpan Elapsed);

/// <summary>
/// A county's synthetic year of proxy requests (代办, labelled synthetic): taken by grid managers and village centres
/// against the county's current catalogue, played through <see cref="ProxyStore"/> on a clock set to each step's moment —
/// handed over, now and then returned for a document, finished by the deciding desk mostly within the time limit.
/// </summary>
public sealed class ProxyGenerator(NpgsqlDataSource dataSource, TimeProvider? time = null)
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "郭", "牛", "秦", "申", "崔"];

    public async Task<bool> ExistsAsync(string county, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM proxy_request WHERE synthetic AND starts_with(grid_code, $1))");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<ProxyLoad> GenerateAsync(string county, int year, int count, int seed, IProgress<(int Done, int Of)>? progress = null,
        CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var catalogue = await new CatalogueStore(dataSource, TimeProvider.System).GetAsync(county, null, ct)
            ?? throw new InvalidOperationException($"County {county} has no catalogue: run 'gridmap catalogue load --county {county}' first.");
        var grids = await CountyGrids.ListAsync(dataSource, county, ct);
        var random = new Random(seed);
        var calendar = WorkingCalendar.Default;
        var (start, end) = SyntheticYear.Span(year, time);
        var clock = new SettableClock();
        var store = new ProxyStore(dataSource, clock);
        // Residents ask most for the civil-affairs, social-security and medical-insurance services (the catalogue's bulk).
        var weighted = catalogue.Services.SelectMany(s => Enumerable.Repeat(s, s.Department is "civil-affairs" or "social-security" or "medical-insurance" ? 3 : 1))
            .ToList();
        int done = 0, refused = 0, open = 0, late = 0;
        for (var i = 0; i < count; i++)
        {
            var grid = AdminCode.Parse(grids[random.Next(grids.Count)]);
            var service = weighted[random.Next(weighted.Count)];
            clock.Now = calendar.Due(start.AddSeconds(random.NextDouble() * (end - start).TotalSeconds), TimeLimit.WorkingMinutes(1));
            var byGrid = random.NextDouble() < 0.7;
            var taker = byGrid ? Caller(Role.GridManager, grid, null) : Caller(Role.VillageStaff, grid, null);
            var missing = service.Documents.Count > 1 && random.NextDouble() < 0.15;
            var received = missing ? service.Documents.Skip(1).ToList() : service.Documents;
            var taken = await store.TakeAsync(taker, grid, service.Key, catalogue.Version, null, Surnames[random.Next(Surnames.Length)] + "某",
                received, "合成数据", null, synthetic: true, ct);
            var request = taken.Value!.Request;
            async Task<bool> StepAsync(ProxyCommand command, Caller who, int workingDays)
            {
                var at = calendar.Due(clock.Now, TimeLimit.WorkingMinutes(30 + random.Next(Math.Max(1, workingDays) * 480)));
                if (at > end)
                    return false;
                clock.Now = at;
                var acted = await store.ActAsync(who, request.Id, command, null, ct);
                if (acted.Succeeded)
                    request = acted.Value!;
                return acted.Succeeded;
            }
            Caller Desk(AdminLevel level) => Caller(level == AdminLevel.Village ? Role.VillageStaff : Role.DepartmentOfficer, grid, service.Department, level);
            var offering = Desk(Enum.Parse<AdminLevel>(service.Level, true));
            var desk = Desk(Enum.Parse<AdminLevel>(service.CompetentLevel, true));
            async Task PlayAsync()
            {
                if (request.Actions.Contains(nameof(ProxyCommand.HandOver)) || missing)
                {
                    if (!await StepAsync(new ProxyCommand.HandOver(service.Documents), taker, missing ? 3 : 1))
                        return;
                    if (random.NextDouble() < 0.06 && await StepAsync(new ProxyCommand.Return("材料不全，请补正（合成数据）"), offering, 2)
                        && !await StepAsync(new ProxyCommand.HandOver(service.Documents), taker, 2))
                        return;
                }
                if (service.Level != service.CompetentLevel && !await StepAsync(new ProxyCommand.Forward("初审通过，报县级审批（合成数据）"), offering, 3))
                    return;
                // Most desks finish within the time limit; one in ten takes longer.
                var limit = service.WorkingDaysGiven;
                var days = random.NextDouble() < 0.9 ? Math.Max(1, (int)(limit * random.NextDouble())) : limit + 1 + random.Next(5);
                if (random.NextDouble() < 0.05)
                    await StepAsync(new ProxyCommand.Refuse("不符合条件，已告知理由与救济途径（合成数据）"), desk, days);
                else
                    await StepAsync(new ProxyCommand.Complete("已办结，结果已告知申请人（合成数据）"), desk, days);
            }
            await PlayAsync();
            switch (request.State)
            {
                case "done": done++; break;
                case "refused": refused++; break;
                default: open++; break;
            }
            if (request.OnTime == false)
                late++;
            if ((i + 1) % 100 == 0 || i + 1 == count)
                progress?.Report((i + 1, count));
        }
        return new ProxyLoad(count, done, refused, open, late, watch.Elapsed);
    }

    private static Caller Caller(Role role, AdminCode grid, string? department, AdminLevel? level = null)
    {
        var scopeLevel = role switch
        {
            Role.GridManager => AdminLevel.Grid,
            Role.VillageStaff => AdminLevel.Village,
            _ => level ?? AdminLevel.County,
        };
        var scope = AdminCode.Parse(grid.Value[..scopeLevel.CodeLength()]);
        var name = role switch
        {
            Role.GridManager => "gm",
            Role.VillageStaff => "cz",
            _ => department + "-",
        } + scope.Value;
        return new Caller(name, role, scope, new HashSet<DataCategory>(), false, department);
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
