using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Store.Accounts;

namespace GridMap.Testing;

/// <summary>
/// Staff who may unmask do so only in a session signed in with their second factor: tests that unmask enrol it the way
/// a person does (a new secret, then the code an authenticator app would show), which makes that session a full one.
/// </summary>
public static class SecondFactors
{
    /// <summary>Through GeoApi: POST /api/auth/totp, then /api/auth/totp/confirm with the code of now. Returns the secret.</summary>
    public static async Task<string> EnrolAsync(HttpClient signedIn)
    {
        using var begun = await signedIn.PostAsync("/api/auth/totp", null);
        begun.EnsureSuccessStatusCode();
        var secret = (await begun.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        using var confirmed = await signedIn.PostAsJsonAsync("/api/auth/totp/confirm", new { code = SecondFactor.CodeAt(secret, DateTime.UtcNow) });
        if (!confirmed.IsSuccessStatusCode)
            throw new InvalidOperationException($"Enrolling the second factor failed: {await confirmed.Content.ReadAsStringAsync()}");
        return secret;
    }

    /// <summary>In the store, for a token just issued. Returns the secret.</summary>
    public static async Task<string> EnrolAsync(AccountStore accounts, string username, string token)
    {
        var secret = await accounts.BeginSecondFactorAsync(username);
        if (await accounts.ConfirmSecondFactorAsync(username, token, SecondFactor.CodeAt(secret, DateTime.UtcNow)) is { } problem)
            throw new InvalidOperationException($"Enrolling the second factor failed: {problem.Message}");
        return secret;
    }

    /// <summary>
    /// A code for a sign-in right after an enrolment or an earlier sign-in: the next step's code, which the server
    /// accepts (one step of drift) and which is later than any step it accepted before now.
    /// </summary>
    public static string NextCode(string secret) => SecondFactor.CodeAt(secret, DateTime.UtcNow.AddSeconds(30));
}
