using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GridMap.Domain.Codes;
using GridMap.Domain.People;

namespace GridMap.Domain.Access;

/// <summary>What an account must be: a username, a name, a role whose scope has the role's level, a department exactly for a department officer, and a mobile number if any.</summary>
public static partial class AccountRules
{
    /// <summary>Null when acceptable, else the field and what is wrong with it.</summary>
    public static (string Field, string Message)? Check(string? username, string? displayName, Role role, AdminCode scope, string? department, string? phone)
    {
        if (username is null || !Username().IsMatch(username))
            return ("username", "A username has 3–40 characters: a–z, 0–9, '_', '.' or '-'.");
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 50)
            return ("displayName", "A name has 1–50 characters.");
        return CheckRole(role, scope, department) ?? (phone is not null && !Mobile().IsMatch(phone) ? ("phone", "A phone is an 11-digit mainland mobile number.") : null);
    }

    /// <summary>Null when the scope has the role's level and a department officer names a known department, else the field and what is wrong.</summary>
    public static (string Field, string Message)? CheckScope(Role role, AdminCode scope, string? department) =>
        role.ScopeLevel() is { } level && scope.Level != level ? ("scope", $"A {role.Slug()} account's scope is a {level.Slug()} code, not {scope.Value}.")
        : role == Role.DepartmentOfficer && !Departments.Government.Contains(department) ? ("department", "A department officer belongs to one of: " + string.Join(", ", Departments.Government))
        : null;

    /// <summary>As <see cref="CheckScope"/>, and only a department officer has a department (what an administrator may set).</summary>
    public static (string Field, string Message)? CheckRole(Role role, AdminCode scope, string? department) =>
        CheckScope(role, scope, department)
        ?? (role != Role.DepartmentOfficer && department is not null ? ("department", "Only a department officer has a department.") : null);

    /// <summary>Twelve characters from four classes (<see cref="PasswordPolicy"/> holds), shown once to whoever issues it.</summary>
    public static string TemporaryPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789", symbols = "-_.!";
        var all = upper + lower + digits;
        var chars = new char[12];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    [GeneratedRegex("^[a-z0-9_.-]{3,40}$")]
    private static partial Regex Username();

    [GeneratedRegex("^1[0-9]{10}$")]
    private static partial Regex Mobile();
}
