using System.Security.Cryptography;
using OtpNet;

namespace GridMap.Store.Accounts;

/// <summary>
/// The TOTP second factor (RFC 6238 as every authenticator app does it: HMAC-SHA1, six digits, 30-second steps).
/// Secrets are 160 random bits, written in Base32 for the app.
/// </summary>
public static class SecondFactor
{
    public const string Issuer = "GridMap";

    public static string NewSecret() => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));

    /// <summary>The step a six-digit code matches at <paramref name="utcNow"/>, one step either side allowed; null if none.</summary>
    public static long? MatchedStep(string secret, string code, DateTime utcNow)
    {
        var digits = code.Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
            return null;
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(utcNow, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    /// <summary>The code of a secret at an instant (tests, the demo's command line).</summary>
    public static string CodeAt(string secret, DateTime utcNow) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(utcNow);

    /// <summary>The key URI authenticator apps read from a QR code (otpauth://totp/…).</summary>
    public static string KeyUri(string username, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(username)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
}
