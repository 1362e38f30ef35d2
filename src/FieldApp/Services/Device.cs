using System.Text.Json;
using Microsoft.JSInterop;

namespace GridMap.FieldApp.Services;

/// <summary>What the device holds, in clear: nothing secret.</summary>
public sealed record DeviceState(string? Account, int PinFailures, string? LastSync, bool HasKey, bool Unlocked, TileCacheState? Tiles = null);

public sealed record UnlockResult(bool Ok, bool Wiped, int Failures);

public sealed record Position(double Lon, double Lat, double Accuracy);

/// <summary>The browser side (wwwroot/js/field.js): encrypted IndexedDB, position, track, photos, connection.</summary>
public sealed class Device(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? module;
    private IJSObjectReference? start;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async ValueTask<IJSObjectReference> Module() =>
        module ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/field.js");

    private async ValueTask<IJSObjectReference> Start() =>
        start ??= await js.InvokeAsync<IJSObjectReference>("import", "./js/start.js");

    /// <summary>How the plain-JavaScript PIN step of this start ended (wwwroot/js/start.js): none, unlocked, wiped or password.</summary>
    public async Task<string> QuickStartAsync() => await (await Start()).InvokeAsync<string>("quickStart");

    /// <summary>Removes the quick start's map; returns the building tapped on it meanwhile, if any.</summary>
    public async Task<string?> DismissQuickStartAsync() => await (await Start()).InvokeAsync<string?>("dismiss");

    public async Task<DeviceState> StateAsync() => await (await Module()).InvokeAsync<DeviceState>("deviceState");

    public async Task SetupAsync(string account, string pin) => await (await Module()).InvokeVoidAsync("setup", account, pin);

    public async Task<UnlockResult> UnlockAsync(string pin) => await (await Module()).InvokeAsync<UnlockResult>("unlock", pin);

    public async Task LockAsync() => await (await Module()).InvokeVoidAsync("lock");

    public async Task WipeAsync() => await (await Module()).InvokeVoidAsync("wipe");

    public async Task PutAsync<T>(string name, T value) =>
        await (await Module()).InvokeVoidAsync("putSecret", name, JsonSerializer.Serialize(value, Json));

    public async Task<T?> GetAsync<T>(string name) =>
        await (await Module()).InvokeAsync<string?>("getSecret", name) is { } json ? JsonSerializer.Deserialize<T>(json, Json) : default;

    public async Task DeleteAsync(string name) => await (await Module()).InvokeVoidAsync("deleteSecret", name);

    public async Task SetMetaAsync<T>(string name, T value) =>
        await (await Module()).InvokeVoidAsync("setMeta", name, JsonSerializer.Serialize(value, Json));

    public async Task<long> EnqueueAsync(QueuedAction action) =>
        await (await Module()).InvokeAsync<long>("outboxAdd", JsonSerializer.Serialize(action, Json));

    public async Task UpdateAsync(QueuedAction action) =>
        await (await Module()).InvokeVoidAsync("outboxPut", action.Seq, JsonSerializer.Serialize(action, Json));

    public async Task RemoveAsync(long seq) => await (await Module()).InvokeVoidAsync("outboxDelete", seq);

    public async Task<List<QueuedAction>> QueueAsync()
    {
        var json = await (await Module()).InvokeAsync<string>("outboxAll");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Select(e => JsonSerializer.Deserialize<QueuedAction>(e.GetRawText(), Json)! with { Seq = e.GetProperty("seq").GetInt64() })
            .ToList();
    }

    /// <summary>Keeps the own grid's map tiles in the tile cache (wwwroot/js/field.js cacheTiles).</summary>
    public async Task<TileCacheState> CacheTilesAsync(JsonElement spec, JsonElement outline, string token) =>
        await (await Module()).InvokeAsync<TileCacheState>("cacheTiles", spec.GetRawText(), outline.GetRawText(), token);

    public async Task<Position?> PositionAsync(int timeoutMs = 8000) =>
        await (await Module()).InvokeAsync<Position?>("position", timeoutMs);

    public async Task<bool> StartTrackAsync<T>(DotNetObjectReference<T> listener, string? resumed) where T : class =>
        await (await Module()).InvokeAsync<bool>("startTrack", listener, resumed);

    public async Task<string> StopTrackAsync() => await (await Module()).InvokeAsync<string>("stopTrack");

    public async Task<string> TrackAsync() => await (await Module()).InvokeAsync<string>("trackJson");

    public async Task<List<Photo>> ReadPhotosAsync(Microsoft.AspNetCore.Components.ElementReference input) =>
        JsonSerializer.Deserialize<List<Photo>>(await (await Module()).InvokeAsync<string>("readPhotos", input), Json) ?? [];

    public async Task<bool> OnlineAsync() => await (await Module()).InvokeAsync<bool>("online");

    public async Task WatchConnectionAsync<T>(DotNetObjectReference<T> listener) where T : class =>
        await (await Module()).InvokeVoidAsync("watchConnection", listener);

    public async Task InstallShellAsync() => await (await Module()).InvokeAsync<bool>("installShell");

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
            await module.DisposeAsync();
        if (start is not null)
            await start.DisposeAsync();
    }
}
