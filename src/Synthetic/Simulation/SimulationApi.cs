using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace GridMap.Synthetic.Simulation;

/// <summary>One answer of GridMap's API: the status and the JSON body (a card, a list, or a problem).</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    public string Describe() => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("detail", out var detail)
        ? $"{(int)Status} {detail.GetString()}"
        : $"{(int)Status}";
}

/// <summary>
/// The simulator's only way into GridMap: the public HTTP API, as each simulated person signed in with their own account.
/// Accounts are opened by the administrator account through <c>POST /api/accounts</c> the first time a person is needed;
/// their passwords live in the simulation's state file (an account found without one gets a new password from the
/// administrator, as a forgotten one would).
/// </summary>
public sealed class SimulationApi(HttpClient http, string adminUsername, string adminPassword, SimulationState state)
{
    private readonly Dictionary<string, string> tokens = [];

    public const string Prefix = "sim-";

    public async Task<ApiAnswer> SendAsync(string username, HttpMethod method, string path, object? body, CancellationToken ct,
        string? idempotencyKey = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await TokenAsync(username, ct);
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (idempotencyKey is not null)
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (body is not null)
                request.Content = JsonContent.Create(body);
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                tokens.Remove(username);
                continue;
            }
            return await AnswerAsync(response, ct);
        }
    }

    public async Task<ApiAnswer> GetAnonymousAsync(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        return await AnswerAsync(response, ct);
    }

    public async Task<ApiAnswer> PostFormAsync(string path, IReadOnlyDictionary<string, string> form, string idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, ct);
        return await AnswerAsync(response, ct);
    }

    /// <summary>Whether the person's account is open (the state holds its password).</summary>
    public bool HasAccount(string username) => state.Passwords.ContainsKey(username);

    /// <summary>Opens the person's account unless the state already holds its password; true when the state changed.</summary>
    public async Task<bool> EnsureAccountAsync(string username, string displayName, string role, string scope, string? department, CancellationToken ct)
    {
        if (state.Passwords.ContainsKey(username))
            return false;
        var opened = await SendAsync(adminUsername, HttpMethod.Post, "/api/accounts",
            new { username, displayName, role, scope, department }, ct);
        if (opened.Ok)
        {
            state.Passwords[username] = opened.Body.GetProperty("temporaryPassword").GetString()!;
            return true;
        }
        if (opened.Status != HttpStatusCode.Conflict)
            throw new InvalidOperationException($"Opening the account {username} was refused: {opened.Describe()}");
        var password = NewPassword();
        var reset = await SendAsync(adminUsername, HttpMethod.Post, $"/api/accounts/{username}/password", new { password }, ct);
        if (!reset.Ok)
            throw new InvalidOperationException($"The account {username} exists and its password could not be reset: {reset.Describe()}");
        state.Passwords[username] = password;
        tokens.Remove(username);
        return true;
    }

    /// <summary>Whether the person's stored password still signs in (a new database does not know it).</summary>
    public async Task<bool> SignsInAsync(string username, CancellationToken ct)
    {
        try
        {
            await TokenAsync(username, ct);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Forgets every token (the state was started afresh).</summary>
    public void Forget() => tokens.Clear();

    private async Task<string> TokenAsync(string username, CancellationToken ct)
    {
        if (tokens.TryGetValue(username, out var cached))
            return cached;
        var password = username == adminUsername ? adminPassword
            : state.Passwords.TryGetValue(username, out var known) ? known
            : throw new InvalidOperationException($"No password for {username}: open the account first.");
        using var response = await http.PostAsJsonAsync("/api/auth/token", new { username, password }, ct);
        var answer = await AnswerAsync(response, ct);
        if (!answer.Ok)
            throw new InvalidOperationException($"Sign-in of {username} was refused: {answer.Describe()}");
        var token = answer.Body.GetProperty("accessToken").GetString()!;
        tokens[username] = token;
        return token;
    }

    private static async Task<ApiAnswer> AnswerAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement body = default;
        if (text.Length > 0 && text[0] is '{' or '[')
            body = JsonDocument.Parse(text).RootElement.Clone();
        return new ApiAnswer(response.StatusCode, body);
    }

    private static string NewPassword() => "Sim-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() + "!";
}
