namespace GridMap.GeoApi.Infrastructure;

/// <summary>The one shape an idempotency key has wherever a write takes one (body or <c>Idempotency-Key</c> header).</summary>
public static class IdempotencyKeys
{
    /// <summary>8–100 characters, no spaces or control characters (a UUID is ideal).</summary>
    public static bool IsWellFormed(string key) =>
        key.Length is >= 8 and <= 100 && !key.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));
}
