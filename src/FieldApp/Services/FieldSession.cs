using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridMap.Domain.Field;
using Microsoft.JSInterop;

namespace GridMap.FieldApp.Services;

/// <summary>
/// The signed-in manager's session on this phone: the encrypted device vault, the own grid's bundle, the queue of
/// actions recorded offline and its sync. Pages read its state and call it; it tells them when anything changed.
/// </summary>
public sealed class FieldSession(Device device, HttpClient http) : IAsyncDisposable
{
    private DotNetObjectReference<FieldSession>? self;
    private bool syncing;
    private bool syncAgain;
    private int failedSyncs;
    private CancellationTokenSource? retry;

    public event Action? Changed;

    public DeviceState Device { get; private set; } = new(null, 0, null, false, false);
    public Bundle? Bundle { get; private set; }
    public FieldInbox? Inbox { get; private set; }
    public string? Token { get; private set; }
    public List<QueuedAction> Queue { get; private set; } = [];
    public bool Online { get; private set; } = true;
    public bool Syncing => syncing;
    public (int Done, int Of) Progress { get; private set; }
    public DateTimeOffset? LastSync { get; private set; }
    public string? Message { get; private set; }

    /// <summary>The sign-in expired (401 while syncing): the queue stays; the manager signs in again.</summary>
    public bool NeedsSignIn { get; private set; }

    /// <summary>Seven days without a successful sync: the grid's data is not shown until the next one.</summary>
    public bool Expired => LastSync is { } at && Outbox.Expired(at, DateTimeOffset.UtcNow);

    public bool Unlocked => Device.Unlocked && Token is not null;

    public int Waiting => Queue.Count(q => q.State == nameof(OutboxState.Waiting));

    public int Held => Queue.Count(q => q.State is nameof(OutboxState.Conflict) or nameof(OutboxState.Refused));

    private string? startNotice;
    private bool passwordFirst;

    /// <summary>
    /// Once, for the sign-in form: what it says first (the quick start's wrong PINs wiped the device) and whether it
    /// starts at the password (the manager chose another account there).
    /// </summary>
    public (string? Notice, bool PasswordFirst) TakeQuickStartOutcome()
    {
        var outcome = (startNotice, passwordFirst);
        (startNotice, passwordFirst) = (null, false);
        return outcome;
    }

    public async Task StartAsync()
    {
        Online = await device.OnlineAsync();
        self ??= DotNetObjectReference.Create(this);
        await device.WatchConnectionAsync(self);
        // The PIN of a later start is asked by wwwroot/js/start.js while the runtime boots; its vault is opened here.
        var quick = await device.QuickStartAsync();
        Device = await device.StateAsync();
        LastSync = Device.LastSync is { } last ? DateTimeOffset.Parse(last, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (quick == "wiped")
            startNotice = "PIN 连续错误 5 次，本机数据已清除。请重新登录。";
        passwordFirst = quick == "password";
        if (Device.Unlocked)
            await OpenVaultAsync();
        // Off the start's critical path: the app is usable before the worker has copied the shell.
        _ = InstallShellAsync();
    }

    private async Task InstallShellAsync()
    {
        try
        {
            await device.InstallShellAsync();
        }
        catch (JSException)
        {
            // No service worker (a private window): the app works online only.
        }
    }

    [JSInvokable]
    public async Task OnConnectionChanged(bool online)
    {
        Online = online;
        Changed?.Invoke();
        if (online && Unlocked)
            await SyncAsync();
    }

    // ---- sign-in, PIN, sign-out ----

    public sealed record TokenAnswer(string AccessToken);

    /// <summary>Signs in with the password (online). Returns the problem's message, or null when signed in.</summary>
    public async Task<string?> SignInAsync(string username, string password)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("api/auth/token", new { username, password });
        }
        catch (HttpRequestException)
        {
            return "没有网络：首次登录和重新登录需要联网。";
        }
        if (!response.IsSuccessStatusCode)
            return await ProblemText(response, "用户名或密码不正确。");
        Token = (await response.Content.ReadFromJsonAsync<TokenAnswer>(Services.Device.Json))!.AccessToken;
        NeedsSignIn = false;
        return null;
    }

    /// <summary>
    /// After the first sign-in on this phone (or of another account): a new vault under the PIN, then the grid's
    /// bundle. The same account signing in again (token expired) keeps its vault and queue: <see cref="ResumeAsync"/>.
    /// </summary>
    public async Task<string?> SetPinAsync(string account, string pin)
    {
        await device.SetupAsync(account, pin);
        await device.PutAsync("token", Token);
        Device = await device.StateAsync();
        Queue = [];
        return await DownloadAsync();
    }

    /// <summary>The same account signed in again while its vault is unlocked: the new token replaces the old, the queue goes on.</summary>
    public async Task ResumeAsync()
    {
        await device.PutAsync("token", Token);
        NeedsSignIn = false;
        Changed?.Invoke();
        await SyncAsync();
    }

    public async Task<UnlockResult> UnlockAsync(string pin)
    {
        var result = await device.UnlockAsync(pin);
        Device = await device.StateAsync();
        if (!result.Ok)
            return result;
        await OpenVaultAsync();
        return result;
    }

    private async Task OpenVaultAsync()
    {
        Token = await device.GetAsync<string>("token");
        Bundle = await device.GetAsync<Bundle>("bundle");
        Inbox = await device.GetAsync<FieldInbox>("inbox");
        Queue = await device.QueueAsync();
        Changed?.Invoke();
        if (Online)
            _ = SyncAsync();
        StartInboxPolling();
    }

    /// <summary>Blazor's pages are drawn: the quick start's map goes. Returns a building tapped on it meanwhile.</summary>
    public async Task<string?> DismissQuickStartAsync() => await device.DismissQuickStartAsync();

    public async Task LockAsync()
    {
        await device.LockAsync();
        Token = null;
        Bundle = null;
        Inbox = null;
        Queue = [];
        Device = await device.StateAsync();
        Changed?.Invoke();
    }

    /// <summary>Signs out: the server forgets the token (when online) and the phone forgets everything of the account.</summary>
    public async Task SignOutAsync()
    {
        if (Token is not null)
        {
            try
            {
                using var request = Authorized(HttpMethod.Post, "api/auth/logout");
                using var _ = await http.SendAsync(request);
            }
            catch (HttpRequestException)
            {
                // Offline: the token expires by itself; the device data goes now.
            }
        }
        await device.WipeAsync();
        Token = null;
        Bundle = null;
        Inbox = null;
        Queue = [];
        LastSync = null;
        Device = await device.StateAsync();
        Changed?.Invoke();
    }

    // ---- the grid bundle ----

    /// <summary>The own grid's map tiles on the phone (z15–z18), refreshed after every download of the bundle.</summary>
    public TileCacheState? Tiles => Device.Tiles;

    private async Task CacheTilesAsync()
    {
        if (Bundle?.Tiles is not { ValueKind: JsonValueKind.Object } spec || Token is null)
            return;
        try
        {
            var state = await device.CacheTilesAsync(spec, Bundle.Grid.Outline, Token);
            Device = Device with { Tiles = state };
            Changed?.Invoke();
        }
        catch (JSException)
        {
            // No Cache Storage (a private window): the map draws the grid from the bundle alone.
        }
    }

    public async Task<string?> DownloadAsync()
    {
        try
        {
            using var request = Authorized(HttpMethod.Get, "api/field/bundle");
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                NeedsSignIn = true;
                return "登录已过期，请重新登录（待同步的记录会保留）。";
            }
            if (!response.IsSuccessStatusCode)
                return await ProblemText(response, "网格数据下载失败。");
            Bundle = await response.Content.ReadFromJsonAsync<Bundle>(Services.Device.Json);
            await device.PutAsync("bundle", Bundle);
            LastSync = DateTimeOffset.UtcNow;
            await device.SetMetaAsync("lastSync", LastSync.Value.ToString("O"));
            Changed?.Invoke();
            _ = CacheTilesAsync();
            await RefreshInboxAsync();
            return null;
        }
        catch (HttpRequestException)
        {
            return "没有网络：网格数据稍后同步。";
        }
    }

    // ---- the inbox ----

    private PeriodicTimer? inboxTimer;

    /// <summary>
    /// While the app is open and online the inbox is fetched every 30 s (and after every sync): a phone in a weak signal
    /// keeps no socket open; the portal is the one pushed live.
    /// </summary>
    private void StartInboxPolling()
    {
        if (inboxTimer is not null)
            return;
        inboxTimer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        _ = Task.Run(async () =>
        {
            while (await inboxTimer.WaitForNextTickAsync())
                if (Online && Unlocked && !NeedsSignIn)
                    await RefreshInboxAsync();
        });
    }

    public async Task RefreshInboxAsync()
    {
        if (Token is null)
            return;
        try
        {
            using var request = Authorized(HttpMethod.Get, "api/inbox");
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
                return;
            var fetched = await response.Content.ReadFromJsonAsync<FieldInbox>(Services.Device.Json);
            if (fetched is null)
                return;
            Inbox = fetched with { FetchedAt = DateTimeOffset.UtcNow };
            await device.PutAsync("inbox", Inbox);
            Changed?.Invoke();
        }
        catch (HttpRequestException)
        {
            // Offline or a weak signal: the stored inbox stays.
        }
    }

    /// <summary>Marks one item (or all) read here at once, and on the server now or, offline, through the queue.</summary>
    public async Task MarkReadAsync(long? id)
    {
        if (Inbox is not { } inbox)
            return;
        var now = DateTimeOffset.UtcNow;
        var items = inbox.Items.Select(i => i.ReadAt is null && (id is null || i.Id == id) ? i with { ReadAt = now } : i).ToList();
        Inbox = inbox with { Items = items, Unread = Math.Max(0, inbox.Unread - (inbox.Items.Count(i => i.ReadAt is null) - items.Count(i => i.ReadAt is null))) };
        await device.PutAsync("inbox", Inbox);
        Changed?.Invoke();
        var path = id is { } one ? $"api/inbox/{one}/read" : "api/inbox/read";
        if (Online)
        {
            try
            {
                using var request = Authorized(HttpMethod.Post, path);
                request.Content = JsonContent.Create(new { });
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Fall through to the queue.
            }
        }
        await EnqueueAsync("inbox_read", id is null ? "收件箱全部已读" : "收件箱已读", HttpMethod.Post, path, new { });
    }

    public Card? Building(string code) => Bundle?.Buildings.FirstOrDefault(b => b.Code == code);

    public (Card Building, House House, Household Household)? FindHousehold(long id) =>
        Bundle?.Buildings.SelectMany(b => b.Houses.SelectMany(h => h.Households.Select(hh => (b, h, hh)))).FirstOrDefault(x => x.hh.Id == id) is { b: not null } found
            ? (found.b, found.h, found.hh)
            : null;

    // ---- the queue ----

    /// <summary>Records an action on the phone; it is sent now when online, else when the connection returns.</summary>
    public async Task EnqueueAsync(string kind, string title, HttpMethod method, string path, object body, string? subject = null, int? rowVersion = null,
        List<Photo>? photos = null)
    {
        if (Queue.Count >= Outbox.MaxItems)
            throw new InvalidOperationException("The queue is full: sync before recording more.");
        var action = new QueuedAction(Guid.NewGuid().ToString("N"), kind, title, method.Method, path, JsonSerializer.Serialize(body, Services.Device.Json),
            subject, rowVersion, DateTimeOffset.UtcNow, photos);
        var seq = await device.EnqueueAsync(action);
        Queue.Add(action with { Seq = seq });
        Changed?.Invoke();
        if (Online)
            _ = SyncAsync();
    }

    public async Task DiscardAsync(long seq)
    {
        await device.RemoveAsync(seq);
        Queue.RemoveAll(q => q.Seq == seq);
        Changed?.Invoke();
    }

    /// <summary>
    /// Sends a held action again: a conflict with the record's current version (the manager chose to apply theirs on
    /// top of it), a refused one as it is (after the manager corrected what the server named).
    /// </summary>
    public async Task RetryAsync(long seq, int? currentVersion = null)
    {
        var item = Queue.First(q => q.Seq == seq);
        var again = item with
        {
            State = nameof(OutboxState.Waiting), Reason = null, Current = null, RowVersion = currentVersion ?? item.RowVersion,
            Body = currentVersion is { } v ? WithRowVersion(item.Body, v) : item.Body,
        };
        await device.UpdateAsync(again);
        Queue[Queue.FindIndex(q => q.Seq == seq)] = again;
        Changed?.Invoke();
        await SyncAsync();
    }

    /// <summary>
    /// A refused action corrected on the phone: the field the server named gets the manager's value (a number stays a
    /// number), and the action waits its turn again under the same key.
    /// </summary>
    public async Task CorrectAsync(long seq, string field, string value)
    {
        var item = Queue.First(q => q.Seq == seq);
        if (System.Text.Json.Nodes.JsonNode.Parse(item.Body) is not System.Text.Json.Nodes.JsonObject body || FindField(body, field) is not var (parent, key))
            return;
        parent[key] = parent[key]?.GetValueKind() == JsonValueKind.Number && decimal.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? System.Text.Json.Nodes.JsonValue.Create(number)
            : System.Text.Json.Nodes.JsonValue.Create(value.Trim());
        var again = item with { Body = body.ToJsonString(), State = nameof(OutboxState.Waiting), Reason = null, Field = null, Current = null };
        await device.UpdateAsync(again);
        Queue[Queue.FindIndex(q => q.Seq == seq)] = again;
        Changed?.Invoke();
        await SyncAsync();
    }

    /// <summary>
    /// Where a problem's field is in a queued body: a dotted path ("head.idNumber"), or a name at the top or one object
    /// down (the server names "idNumber" of a birth's "person").
    /// </summary>
    public static (System.Text.Json.Nodes.JsonObject Parent, string Key)? FindField(System.Text.Json.Nodes.JsonObject body, string field)
    {
        var path = field.Split('.');
        var parent = body;
        foreach (var step in path[..^1])
            if (parent[step] is System.Text.Json.Nodes.JsonObject next)
                parent = next;
            else
                return null;
        var key = path[^1];
        if (parent.ContainsKey(key))
            return (parent, key);
        return path.Length == 1 && body.Select(p => p.Value).OfType<System.Text.Json.Nodes.JsonObject>().FirstOrDefault(o => o.ContainsKey(key)) is { } inner
            ? (inner, key)
            : null;
    }

    /// <summary>Sends the waiting actions in order, then refreshes the grid's bundle.</summary>
    public async Task SyncAsync()
    {
        if (Token is null || NeedsSignIn)
            return;
        if (syncing)
        {
            // Something was queued or released while a pass runs: one more pass when it ends.
            syncAgain = true;
            return;
        }
        syncing = true;
        syncAgain = false;
        retry?.Cancel();
        try
        {
            var versions = new Dictionary<string, int>(StringComparer.Ordinal);
            var sendable = Outbox.Sendable(Queue.Select(ToItem)).Select(i => i.Seq).ToList();
            Progress = (0, sendable.Count);
            Changed?.Invoke();
            foreach (var seq in sendable)
            {
                var action = Queue.First(q => q.Seq == seq);
                // An earlier action on the same record may have been held meanwhile (this pass): then this one waits too.
                if (!Outbox.Sendable(Queue.Select(ToItem)).Any(i => i.Seq == seq))
                    continue;
                var (step, updated) = await SendAsync(action, versions);
                switch (step)
                {
                    case SyncStep.Accepted:
                        await device.RemoveAsync(seq);
                        Queue.RemoveAll(q => q.Seq == seq);
                        break;
                    case SyncStep.Conflict or SyncStep.Refused:
                        await device.UpdateAsync(updated);
                        Queue[Queue.FindIndex(q => q.Seq == seq)] = updated;
                        break;
                    case SyncStep.SignInAgain:
                        NeedsSignIn = true;
                        Message = "登录已过期，请重新登录（待同步的记录会保留）。";
                        return;
                    default:
                        failedSyncs++;
                        Message = "网络不稳定，稍后自动重试。";
                        ScheduleRetry();
                        return;
                }
                Progress = (Progress.Done + 1, Progress.Of);
                Changed?.Invoke();
            }
            failedSyncs = 0;
            Message = null;
            await DownloadAsync();
        }
        finally
        {
            syncing = false;
            Changed?.Invoke();
        }
        if (syncAgain && !NeedsSignIn)
            await SyncAsync();
    }

    private void ScheduleRetry()
    {
        retry = new CancellationTokenSource();
        var token = retry.Token;
        _ = Task.Delay(TimeSpan.FromSeconds(Outbox.RetryDelaySeconds(failedSyncs)), token)
            .ContinueWith(async t =>
            {
                if (!t.IsCanceled)
                    await SyncAsync();
            }, TaskScheduler.Default);
    }

    private static OutboxItem ToItem(QueuedAction a) =>
        new(a.Seq, a.Key, a.Kind, a.Method, a.Path, a.Body, a.Subject, a.RowVersion, Enum.Parse<OutboxState>(a.State), a.Attempts, a.Reason, a.Current);

    private async Task<(SyncStep Step, QueuedAction Updated)> SendAsync(QueuedAction action, Dictionary<string, int> versions)
    {
        var body = action.Body;
        if (Outbox.VersionToSend(ToItem(action), versions) is { } version && version != action.RowVersion)
            body = WithRowVersion(body, version);
        HttpResponseMessage response;
        try
        {
            using var request = Authorized(new HttpMethod(action.Method), action.Path);
            request.Headers.Add("Idempotency-Key", action.Key);
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            return (SyncStep.TryLater, action);
        }
        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                // The connection (or the server) went away mid-answer: sent again later, under the same key.
                return (SyncStep.TryLater, action);
            }
            // Only a 409's body decides between a conflict and a refusal; other answers are read once, below.
            var status = (int)response.StatusCode;
            var step = Outbox.Classify(status, status != 409 || ProblemMember(text, "currentVersion") is not null);
            if (step == SyncStep.Accepted)
            {
                using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
                if (action.Subject is not null && doc.RootElement.TryGetProperty("rowVersion", out var moved) && moved.ValueKind == JsonValueKind.Number)
                    versions[action.Subject] = moved.GetInt32();
                if (action.Photos is { Count: > 0 } photos && doc.RootElement.TryGetProperty("id", out var eventId))
                    for (var i = 0; i < photos.Count; i++)
                        if (await SendPhotoAsync(eventId.GetInt64(), photos[i], $"{action.Key}-p{i}") is { } failed)
                            return (failed, action);
            }
            var reason = step is SyncStep.Conflict or SyncStep.Refused ? ProblemDetail(text) : null;
            var field = step == SyncStep.Refused ? ProblemField(text) : null;
            var current = step == SyncStep.Conflict ? Current(text) : null;
            return (step, action with
            {
                State = step == SyncStep.Conflict ? nameof(OutboxState.Conflict) : step == SyncStep.Refused ? nameof(OutboxState.Refused) : action.State,
                Attempts = action.Attempts + 1,
                Reason = reason,
                Current = current,
                Field = field,
            });
        }
    }

    /// <summary>One photo of a reported event, with a key of its own: a retried sync stores it once.</summary>
    private async Task<SyncStep?> SendPhotoAsync(long eventId, Photo photo, string key)
    {
        try
        {
            using var request = Authorized(HttpMethod.Post, $"api/events/{eventId}/photos");
            request.Headers.Add("Idempotency-Key", key);
            request.Content = new ByteArrayContent(Convert.FromBase64String(photo.Data));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(photo.Type);
            using var response = await http.SendAsync(request);
            var step = Outbox.Classify((int)response.StatusCode);
            return step == SyncStep.Accepted ? null : step;
        }
        catch (HttpRequestException)
        {
            return SyncStep.TryLater;
        }
    }

    private static string WithRowVersion(string body, int version)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node["rowVersion"] = version;
        return node.ToJsonString();
    }

    /// <summary>A member of a problem body that is a JSON object, cloned; null when the body is not one or lacks it.</summary>
    private static JsonElement? ProblemMember(string text, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The field a 4xx problem names (GridMap's problems carry <c>field</c>), when it does.</summary>
    private static string? ProblemField(string text) =>
        ProblemMember(text, "field") is { ValueKind: JsonValueKind.String } field ? field.GetString() : null;

    private static string? ProblemDetail(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : text;
        }
        catch (JsonException)
        {
            return text.Length > 300 ? text[..300] : text;
        }
    }

    /// <summary>The record as it is now, from a 409's body (current, currentVersion).</summary>
    private static string? Current(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            return JsonSerializer.Serialize(new
            {
                currentVersion = root.TryGetProperty("currentVersion", out var v) ? v.GetInt32() : (int?)null,
                current = root.TryGetProperty("current", out var c) ? c.Clone() : (JsonElement?)null,
            }, Services.Device.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return request;
    }

    private static async Task<string> ProblemText(HttpResponseMessage response, string fallback)
    {
        var detail = ProblemDetail(await response.Content.ReadAsStringAsync());
        return string.IsNullOrWhiteSpace(detail) ? fallback : detail;
    }

    public async ValueTask DisposeAsync()
    {
        inboxTimer?.Dispose();
        retry?.Cancel();
        self?.Dispose();
        await Task.CompletedTask;
    }
}
