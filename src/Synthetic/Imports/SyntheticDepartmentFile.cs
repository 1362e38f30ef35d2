using System.Globalization;
using GridMap.Domain.People;
using GridMap.Domain.Privacy;
using GridMap.Store.Imports;
using GridMap.Synthetic.Generation;
using Npgsql;

namespace GridMap.Synthetic.Imports;

/// <summary>A person as the register knows them, for building department lists.</summary>
public sealed record RegisteredPerson(string IdNumber, string Name);

/// <summary>What a synthetic list holds, by the outcome each row should have on a first import.</summary>
public sealed record SyntheticListCounts(int Rows, int Matching, int Conflicting, int Unknown, int Invalid);

/// <summary>
/// Writes a deterministic synthetic department list (same seed, people and size → same bytes) for benchmarks and
/// tests: rows for people of the register (their real ID number and name), rows whose name differs from the
/// register's, rows with valid ID numbers nobody has, and about 1% invalid rows of every kind the importer refuses.
/// Each person appears at most once, so no row duplicates another; with no people every valid row is unknown.
/// </summary>
public sealed class SyntheticDepartmentFile(string department, IReadOnlyList<RegisteredPerson> people, int seed = 2013)
{
    // Valid ID numbers nobody in Shanxi (14…) holds: region 150999, birth dates from 1940 on.
    private const string UnknownRegion = "150999";
    private static readonly DateOnly UnknownBirthFrom = new(1940, 1, 1);
    private static readonly DateOnly RegisteredFrom = new(2015, 1, 1);

    private readonly IReadOnlyList<string> lists = DepartmentListFormat.ListsOf(department);

    /// <summary>Up to <paramref name="limit"/> people of the register, in id order.</summary>
    public static async Task<IReadOnlyList<RegisteredPerson>> LoadPeopleAsync(NpgsqlDataSource dataSource, int limit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT id_number, name FROM person ORDER BY id LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var people = new List<RegisteredPerson>();
        while (await reader.ReadAsync(ct))
            people.Add(new RegisteredPerson(reader.GetString(0), reader.GetString(1)));
        return people;
    }

    public async Task<SyntheticListCounts> WriteAsync(TextWriter writer, int rows, CancellationToken ct = default)
    {
        var random = StableRandom.For(seed, department, "department-list");
        var withRegisterType = department == Departments.PublicSecurity;
        writer.NewLine = "\r\n";
        await writer.WriteLineAsync(DepartmentListFormat.Header(department));
        int nextPerson = 0, unknown = 0, matching = 0, conflicting = 0, invalid = 0;
        for (var i = 0; i < rows; i++)
        {
            ct.ThrowIfCancellationRequested();
            var draw = random.NextDouble();
            var list = lists[i % lists.Count];
            var registeredOn = RegisteredFrom.AddDays(random.Next(3_000));
            var risk = 1 + random.Next(3);
            var note = (i % 7) switch
            {
                0 => "住址变更, \"已核实\"",
                1 => "按月发放",
                _ => "",
            };
            string id, name;
            if (draw < 0.01)
            {
                (id, name, list, risk, registeredOn, note) = InvalidRow(invalid++, UnknownId(unknown++), risk, registeredOn, note);
                if (id.Length == 0)
                {
                    // Two fields too few: the wrong column count.
                    await writer.WriteLineAsync($"{UnknownId(unknown++)},{DepartmentListFormat.Quote(name)},{list}");
                    continue;
                }
            }
            else if (draw < 0.05 && nextPerson < people.Count)
            {
                var person = people[nextPerson++];
                (id, name) = (person.IdNumber, person.Name + "改");
                conflicting++;
            }
            else if (draw < 0.70 && nextPerson < people.Count)
            {
                var person = people[nextPerson++];
                (id, name) = (person.IdNumber, person.Name);
                matching++;
            }
            else
            {
                id = UnknownId(unknown++);
                name = SyntheticNames.FullName(random, random.Next(2) == 0);
            }
            var registerType = list == DepartmentListFormat.HouseholdRegister ? RegisterTypes.All[random.Next(3)] : "";
            var line = string.Join(',', id, DepartmentListFormat.Quote(name), list, risk.ToString(CultureInfo.InvariantCulture),
                registeredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DepartmentListFormat.Quote(note));
            await writer.WriteLineAsync(withRegisterType ? line + "," + registerType : line);
        }
        await writer.FlushAsync(ct);
        return new SyntheticListCounts(rows, matching, conflicting, rows - matching - conflicting - invalid, invalid);
    }

    private static string UnknownId(int k) =>
        IdNumber.Create(UnknownRegion, UnknownBirthFrom.AddDays(k % 25_000), k / 25_000 % 1000).Value;

    /// <summary>
    /// The refused kinds in turn, all on a special group (a household-register row has no risk, date or note to
    /// refuse); an empty ID means "write a row with too few fields".
    /// </summary>
    private (string Id, string Name, string List, int Risk, DateOnly RegisteredOn, string Note) InvalidRow(
        int k, string validId, int risk, DateOnly registeredOn, string note)
    {
        const string Name = "无效行";
        var list = lists[0];
        var otherDepartment = Departments.All[(Departments.All.ToList().IndexOf(department) + 1) % Departments.All.Count];
        return (k % 8) switch
        {
            0 => (validId[..17] + (validId[17] == '0' ? '1' : '0'), Name, list, risk, registeredOn, note), // bad check character
            1 => (validId[..16], Name, list, risk, registeredOn, note), // too short
            2 => (validId, "", list, risk, registeredOn, note), // no name
            3 => (validId, Name, Departments.GroupsOf(otherDepartment).First().Code, risk, registeredOn, note), // another department's group
            4 => (validId, Name, list, 7, registeredOn, note), // risk level out of range
            5 => (validId, Name, list, risk, new DateOnly(2999, 1, 1), note), // in the future
            6 => (validId, Name, list, risk, registeredOn, new string('长', 501)), // note too long
            _ => ("", Name, list, risk, registeredOn, note), // too few fields
        };
    }
}
