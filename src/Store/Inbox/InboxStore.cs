using GridMap.Domain.Events;
using GridMap.Store.Database;
using GridMap.Store.Notifications;
using Npgsql;

namespace GridMap.Store.Inbox;

/// <summary>One inbox item as its owner sees it.</summary>
public sealed record InboxItem(long Id, string Kind, long? EventId, string Text, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>An event step of one's own due soon: not stored, read from the events at once.</summary>
public sealed record DueSoonStep(long EventId, string TrackingNo, string Category, string State, DateTimeOffset Due);

/// <summary>The inbox: stored items (newest first), the unread count, and the held steps due within four working hours.</summary>
public sealed record InboxView(int Unread, IReadOnlyList<InboxItem> Items, IReadOnlyList<DueSoonStep> DueSoon);

/// <summary>A text message waiting for the gateway.</summary>
public sealed record OutgoingSms(long Id, string Phone, string Text, int Attempts);

/// <summary>
/// The personal inbox (收件箱) and the text-message outbox. Items are written in the transaction of the step that
/// causes them and announced on <see cref="Channels.Inbox"/> at commit; the outbox is drained by a sender with a gateway.
/// </summary>
public sealed class InboxStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int MaxItems = 200;

    /// <summary>Adds an item (and its text message when the account has a phone) inside the caller's transaction.</summary>
    public static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string username, NoticeKind kind, long? eventId,
        string text, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            WITH item AS (
                INSERT INTO inbox_item (username, kind, event_id, text, created_at) VALUES (@username, @kind, @event, @text, @at)
                RETURNING id
            ), sms AS (
                INSERT INTO sms_outbox (inbox_item_id, phone, text, created_at)
                SELECT item.id, a.phone, @text, @at FROM item JOIN account a ON a.username = @username AND a.phone IS NOT NULL AND a.active
            )
            SELECT pg_notify(@channel, @username)
            """, connection, transaction);
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("kind", kind.ToString().ToLowerInvariant());
        command.Parameters.Add(new NpgsqlParameter<long?>("event", eventId) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.AddWithValue("text", text.Length <= 500 ? text : text[..500]);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.AddWithValue("channel", Channels.Inbox);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SQL that gives an item of <paramref name="kind"/> to each row of <paramref name="recipients"/> (a query yielding
    /// username and text), queues its text message when the account has a phone, and announces each at commit; run it
    /// inside the transaction of the change that causes it. The kind and channel are constants, never input.
    /// </summary>
    public static string FanOutSql(string recipients, NoticeKind kind) => $"""
        WITH recipients AS ({recipients}),
        item AS (
            INSERT INTO inbox_item (username, kind, event_id, text, created_at)
            SELECT username, '{kind.ToString().ToLowerInvariant()}', NULL, left(text, 500), now() FROM recipients
            RETURNING id, username, text, created_at
        ), sms AS (
            INSERT INTO sms_outbox (inbox_item_id, phone, text, created_at)
            SELECT item.id, a.phone, item.text, item.created_at FROM item JOIN account a ON a.username = item.username AND a.phone IS NOT NULL
        )
        SELECT pg_notify('{Channels.Inbox}', username) FROM item
        """;

    public async Task<InboxView> GetAsync(string username, bool unreadOnly, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var items = new NpgsqlCommand("""
            SELECT id, kind, event_id, text, created_at, read_at FROM inbox_item
            WHERE username = @username AND (@unread = false OR read_at IS NULL)
            ORDER BY id DESC LIMIT @limit
            """, connection);
        items.Parameters.AddWithValue("username", username);
        items.Parameters.AddWithValue("unread", unreadOnly);
        items.Parameters.AddWithValue("limit", MaxItems);
        var list = await items.ListAsync(r => new InboxItem(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3),
            r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5)), ct);
        var count = await UnreadAsync(connection, username, ct);
        // Held steps whose deadline comes within four working hours (or has passed).
        var now = clock.GetUtcNow();
        var horizon = WorkingCalendar.Default.AddWorkingTime(now, TimeSpan.FromHours(4));
        await using var due = new NpgsqlCommand("""
            SELECT e.id, e.tracking_no, c.name, e.state, e.due FROM event e JOIN event_category c ON c.code = e.category_code
            WHERE e.holder = @username AND e.finished_at IS NULL AND e.due IS NOT NULL AND e.due <= @horizon
            ORDER BY e.due LIMIT 100
            """, connection);
        due.Parameters.AddWithValue("username", username);
        due.Parameters.AddWithValue("horizon", horizon.ToUniversalTime());
        var soon = await due.ListAsync(r => new DueSoonStep(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)), ct);
        return new InboxView(count, list, soon);
    }

    /// <summary>How many of the person's items are unread (what a live push carries).</summary>
    public async Task<int> UnreadAsync(string username, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await UnreadAsync(connection, username, ct);
    }

    private static async Task<int> UnreadAsync(NpgsqlConnection connection, string username, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT count(*)::int FROM inbox_item WHERE username = @username AND read_at IS NULL", connection);
        command.Parameters.AddWithValue("username", username);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Marks one item (or, with null, every item) of the owner read; false when the item is not theirs.</summary>
    public async Task<bool> MarkReadAsync(string username, long? id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH marked AS (
                UPDATE inbox_item SET read_at = coalesce(read_at, now())
                WHERE username = @username AND (@id::bigint IS NULL OR id = @id) RETURNING id)
            SELECT count(*)::int FROM marked
            """);
        command.Parameters.AddWithValue("username", username);
        command.Parameters.Add(new NpgsqlParameter<long?>("id", id) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        return (int)(await command.ExecuteScalarAsync(ct))! > 0 || id is null;
    }

    /// <summary>Text messages waiting to be sent, and those given up on after 10 failed attempts (for metrics).</summary>
    public async Task<(long Waiting, long GivenUp)> OutboxDepthAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE attempts < 10), count(*) FILTER (WHERE attempts >= 10)
            FROM sms_outbox WHERE sent_at IS NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Sends waiting text messages through <paramref name="send"/>, oldest first, each row locked while it is sent so
    /// several senders never send one twice at once; a failure is counted and retried later (up to 10 times).
    /// </summary>
    public async Task<int> DrainOutboxAsync(Func<OutgoingSms, CancellationToken, Task> send, int limit = 50, CancellationToken ct = default)
    {
        var sent = 0;
        for (var i = 0; i < limit; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            OutgoingSms? sms;
            await using (var take = new NpgsqlCommand("""
                SELECT id, phone, text, attempts FROM sms_outbox WHERE sent_at IS NULL AND attempts < 10
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                """, connection, transaction))
            {
                await using var reader = await take.ExecuteReaderAsync(ct);
                sms = await reader.ReadAsync(ct) ? new OutgoingSms(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)) : null;
            }
            if (sms is null)
                break;
            string? error = null;
            try
            {
                await send(sms, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = e.Message.Length <= 500 ? e.Message : e.Message[..500];
            }
            await using (var mark = new NpgsqlCommand(error is null
                ? "UPDATE sms_outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = @id"
                : "UPDATE sms_outbox SET attempts = attempts + 1, last_error = @error WHERE id = @id", connection, transaction))
            {
                mark.Parameters.AddWithValue("id", sms.Id);
                if (error is not null)
                    mark.Parameters.AddWithValue("error", error);
                await mark.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            if (error is not null)
                break; // the gateway is failing: try again on the sender's next round
            sent++;
        }
        return sent;
    }
}
