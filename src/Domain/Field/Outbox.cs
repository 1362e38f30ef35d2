namespace GridMap.Domain.Field;

/// <summary>Where a queued field action stands.</summary>
public enum OutboxState
{
    /// <summary>Recorded on the phone, not yet accepted by the server.</summary>
    Waiting,
    /// <summary>The server accepted it (or had accepted it before: a replayed idempotency key).</summary>
    Done,
    /// <summary>Someone else changed the record meanwhile (409): both versions are shown; the manager resolves it.</summary>
    Conflict,
    /// <summary>The server refused it (4xx): its reason is shown; the manager corrects or discards it.</summary>
    Refused,
}

/// <summary>What a sync does after one answer from the server.</summary>
public enum SyncStep
{
    /// <summary>Accepted: mark it done and send the next.</summary>
    Accepted,
    /// <summary>Held as a conflict; the rest of the queue goes on, except actions on the same record.</summary>
    Conflict,
    /// <summary>Held as refused; the rest goes on, except actions on the same record.</summary>
    Refused,
    /// <summary>The sign-in expired: stop, keep everything, ask for the password (the queue stays).</summary>
    SignInAgain,
    /// <summary>No answer, or the server is busy or failing: stop, keep everything, try again later.</summary>
    TryLater,
}

/// <summary>One action in the phone's queue: what to send, where, and on which record (for ordering and row versions).</summary>
/// <param name="Seq">Position in the queue: actions are sent in this order.</param>
/// <param name="Key">The idempotency key given when the action was recorded; every retry sends the same key.</param>
/// <param name="Subject">The record it changes (e.g. <c>household:12</c>), or null when it changes none (an event, a patrol).</param>
/// <param name="RowVersion">The record's version the manager saw, or null.</param>
public sealed record OutboxItem(long Seq, string Key, string Kind, string Method, string Path, string Body, string? Subject, int? RowVersion,
    OutboxState State = OutboxState.Waiting, int Attempts = 0, string? Reason = null, string? Current = null);

/// <summary>
/// The rules of the field app's queue, kept apart from storage and HTTP so they can be tested: what an answer means,
/// which actions wait behind a held one, and which row version an action is sent with.
/// </summary>
public static class Outbox
{
    /// <summary>A queue the app will not let grow further (each action may carry photos).</summary>
    public const int MaxItems = 2_000;

    /// <summary>
    /// What an answer means for a queued action. A 409 is a conflict to resolve against the record's current version
    /// only when it names that version; a 409 without one (an ID number registered to someone else, a request already
    /// decided) is a refusal the manager corrects or discards.
    /// </summary>
    public static SyncStep Classify(int? status, bool namesCurrentVersion = true) => status switch
    {
        null => SyncStep.TryLater,
        >= 200 and < 300 => SyncStep.Accepted,
        401 => SyncStep.SignInAgain,
        409 => namesCurrentVersion ? SyncStep.Conflict : SyncStep.Refused,
        408 or 425 or 429 => SyncStep.TryLater,
        >= 400 and < 500 => SyncStep.Refused,
        _ => SyncStep.TryLater,
    };

    /// <summary>
    /// The actions to send now, in order: waiting ones, except those on a record that has an earlier action held as a
    /// conflict or refused (sending them would fail the same way, or apply on top of the wrong state).
    /// </summary>
    public static IReadOnlyList<OutboxItem> Sendable(IEnumerable<OutboxItem> queue)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        var send = new List<OutboxItem>();
        foreach (var item in queue.OrderBy(i => i.Seq))
        {
            if (item.State is OutboxState.Conflict or OutboxState.Refused)
            {
                if (item.Subject is not null)
                    held.Add(item.Subject);
                continue;
            }
            if (item.State != OutboxState.Waiting)
                continue;
            if (item.Subject is not null && held.Contains(item.Subject))
                continue;
            send.Add(item);
        }
        return send;
    }

    /// <summary>
    /// The row version to send: an earlier action of this queue on the same record, once accepted, moved the record on
    /// to the version the server answered; the manager's own earlier change is not a conflict with their next one.
    /// </summary>
    public static int? VersionToSend(OutboxItem item, IReadOnlyDictionary<string, int> acceptedVersions) =>
        item.Subject is not null && item.RowVersion is not null && acceptedVersions.TryGetValue(item.Subject, out var moved) ? moved : item.RowVersion;

    /// <summary>Seconds to wait before the next try after <paramref name="failures"/> failed syncs in a row: 5, 10, 20 … at most 300.</summary>
    public static int RetryDelaySeconds(int failures) => (int)Math.Min(300, 5 * Math.Pow(2, Math.Clamp(failures - 1, 0, 10)));

    /// <summary>Device data older than this without a successful sync is refused until the next sync.</summary>
    public static readonly TimeSpan MaxOffline = TimeSpan.FromDays(7);

    public static bool Expired(DateTimeOffset lastSync, DateTimeOffset now) => now - lastSync > MaxOffline;

    /// <summary>Wrong PINs in a row that wipe the device's data.</summary>
    public const int MaxPinFailures = 5;
}
