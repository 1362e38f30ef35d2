using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Events;
using GridMap.Domain.Villages;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Villages;

public sealed record CeremonyView(long Id, string Village, string Kind, DateOnly HeldOn, string Family, int Tables, int TableLimit, bool WithinRules,
    string Service, string? Note, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record ContractView(long Id, string Village, string Party, string Subject, DateOnly StartsOn, DateOnly EndsOn, decimal AmountYuan, string Renewal,
    bool EndingSoon, DateTimeOffset? RemindedAt, string RecordedBy);

/// <summary>The village committee's registers of weddings and funerals (红白事) and of the collective's contracts (合同管理).</summary>
public sealed class VillageStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<Outcome<CeremonyView>> AddCeremonyAsync(Caller caller, string village, NewCeremony ceremony, CancellationToken ct = default)
    {
        if (!VillageAffairs.MayKeep(caller, village))
            return Problem.Forbidden("The village's registers are kept by its staff and the centres above.");
        if (VillageAffairs.Check(ceremony) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO ceremony (village_code, kind, held_on, family, tables, service, within_rules, note, recorded_by, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = village });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ceremony.Kind.ToString().ToLowerInvariant() });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = ceremony.HeldOn });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ceremony.Family.Trim() });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ceremony.Tables });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ceremony.Service.Trim() });
            insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = VillageAffairs.WithinRules(ceremony) });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = ceremony.Note, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, "record_ceremony", $"ceremony:{id}", "红白事登记",
            JsonSerializer.Serialize(new { village, kind = ceremony.Kind.ToString().ToLowerInvariant(), ceremony.Tables }), ct);
        await transaction.CommitAsync(ct);
        // The view is what was written: no read of the year's list back.
        return Outcome.Ok(new CeremonyView(id, village, ceremony.Kind.ToString().ToLowerInvariant(), ceremony.HeldOn, ceremony.Family.Trim(), ceremony.Tables,
            VillageAffairs.TableLimit(ceremony.Kind), VillageAffairs.WithinRules(ceremony), ceremony.Service.Trim(), ceremony.Note, caller.Username, now));
    }

    public async Task<IReadOnlyList<CeremonyView>?> CeremoniesAsync(Caller caller, string village, int year, CancellationToken ct = default)
    {
        if (!VillageAffairs.MayRead(caller, village))
            return null;
        await using var command = dataSource.CreateCommand("""
            SELECT id, village_code, kind, held_on, family, tables, within_rules, service, note, recorded_by, recorded_at
            FROM ceremony WHERE village_code = $1 AND held_on >= make_date($2, 1, 1) AND held_on < make_date($2 + 1, 1, 1)
            ORDER BY held_on, id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = village });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = year });
        return await command.ListAsync(r =>
        {
            var kind = Enum.Parse<CeremonyKind>(r.GetString(2), true);
            return new CeremonyView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetString(4), r.GetInt32(5),
                VillageAffairs.TableLimit(kind), r.GetBoolean(6), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetString(9),
                r.GetFieldValue<DateTimeOffset>(10));
        }, ct);
    }

    public async Task<Outcome<ContractView>> AddContractAsync(Caller caller, string village, NewContract contract, CancellationToken ct = default)
    {
        if (!VillageAffairs.MayKeep(caller, village))
            return Problem.Forbidden("The village's registers are kept by its staff and the centres above.");
        if (VillageAffairs.Check(contract) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO village_contract (village_code, party, subject, starts_on, ends_on, amount_yuan, renewal, recorded_by, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = village });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contract.Party.Trim() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contract.Subject.Trim() });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = contract.StartsOn });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = contract.EndsOn });
            insert.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = contract.AmountYuan });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contract.Renewal.ToString().ToLowerInvariant() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, "record_contract", $"contract:{id}", "合同登记",
            JsonSerializer.Serialize(new { village, contract.StartsOn, contract.EndsOn, contract.AmountYuan }), ct);
        await transaction.CommitAsync(ct);
        // The view is what was written: no read of the village's list back.
        return Outcome.Ok(new ContractView(id, village, contract.Party.Trim(), contract.Subject.Trim(), contract.StartsOn, contract.EndsOn, contract.AmountYuan,
            contract.Renewal.ToString().ToLowerInvariant(), EndingSoon(contract.EndsOn, ChinaTime.DateOf(now)), null, caller.Username));
    }

    /// <summary>The village's contracts, or those in force at some time of a year (the yearly list), by end date.</summary>
    public async Task<IReadOnlyList<ContractView>?> ContractsAsync(Caller caller, string village, int? year, CancellationToken ct = default)
    {
        if (!VillageAffairs.MayRead(caller, village))
            return null;
        var today = ChinaTime.DateOf(clock.GetUtcNow());
        await using var command = dataSource.CreateCommand("""
            SELECT id, village_code, party, subject, starts_on, ends_on, amount_yuan, renewal, reminded_at, recorded_by
            FROM village_contract
            WHERE village_code = $1 AND ($2::int IS NULL OR (starts_on < make_date($2 + 1, 1, 1) AND ends_on >= make_date($2, 1, 1)))
            ORDER BY ends_on, id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = village });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = year, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        return await command.ListAsync(r => new ContractView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateOnly>(4),
            r.GetFieldValue<DateOnly>(5), r.GetDecimal(6), r.GetString(7), EndingSoon(r.GetFieldValue<DateOnly>(5), today),
            r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.GetString(9)), ct);
    }

    private static bool EndingSoon(DateOnly endsOn, DateOnly today) => endsOn >= today && endsOn <= today.AddDays(VillageAffairs.ReminderDays);

    /// <summary>Now, to the microsecond PostgreSQL keeps, so a view built from what was written equals the row read back.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        return now.AddTicks(-(now.Ticks % 10));
    }

    /// <summary>
    /// Announces once, in the village staff's inbox, every contract ending within <see cref="VillageAffairs.ReminderDays"/>
    /// days (locked rows are skipped, so several API instances may run it). Returns how many contracts were announced.
    /// </summary>
    public async Task<int> RemindExpiringAsync(CancellationToken ct = default)
    {
        var today = ChinaTime.DateOf(clock.GetUtcNow());
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var due = new NpgsqlCommand("""
            SELECT id FROM village_contract WHERE reminded_at IS NULL AND ends_on >= $1 AND ends_on <= $2 ORDER BY ends_on LIMIT 500 FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        due.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today });
        due.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today.AddDays(VillageAffairs.ReminderDays) });
        var ids = await due.ListAsync(r => r.GetInt64(0), ct);
        if (ids.Count == 0)
            return 0;
        await using (var notify = new NpgsqlCommand(Inbox.InboxStore.FanOutSql("""
            SELECT a.username, '合同将于 ' || to_char(c.ends_on, 'YYYY-MM-DD') || ' 到期：' || c.subject || '（' || c.party || '，'
                   || CASE c.renewal WHEN 'renew' THEN '约定续签' WHEN 'tender' THEN '到期重新发包' ELSE '到期终止' END || '）' AS text
            FROM village_contract c JOIN account a ON a.active AND a.role = 'village_staff' AND a.scope_code = c.village_code
            WHERE c.id = ANY ($1)
            """, NoticeKind.Contract), connection, transaction))
        {
            notify.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids] });
            await notify.ExecuteNonQueryAsync(ct);
        }
        await using (var mark = new NpgsqlCommand("UPDATE village_contract SET reminded_at = now() WHERE id = ANY ($1)", connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids] });
            await mark.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return ids.Count;
    }
}
