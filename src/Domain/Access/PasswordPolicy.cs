namespace GridMap.Domain.Access;

/// <summary>
/// A new password (set by its owner or an administrator): 10–200 characters, at least three of lower case, upper case,
/// digits and other characters, not containing the username, not one character repeated. Checked where a password is
/// set; the demo accounts' shared password predates it and is local only.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 200;

    /// <summary>Null when the password is acceptable, else why not (English, for the problem's detail).</summary>
    public static string? Check(string username, string password)
    {
        if (password.Length is < MinLength or > MaxLength)
            return $"A password has {MinLength}–{MaxLength} characters.";
        var classes = new[] { password.Any(char.IsLower), password.Any(char.IsUpper), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)) }
            .Count(present => present);
        if (classes < 3)
            return "A password mixes at least three of: lower case, upper case, digits, other characters.";
        if (username.Length >= 3 && password.Contains(username, StringComparison.OrdinalIgnoreCase))
            return "A password does not contain the username.";
        if (password.Distinct().Count() < 4)
            return "A password has at least four different characters.";
        return null;
    }
}
