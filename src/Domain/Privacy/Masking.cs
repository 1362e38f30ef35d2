namespace GridMap.Domain.Privacy;

/// <summary>
/// Default masking of personal data (DOMAIN.md §4): phones keep the first three and last four digits,
/// ID numbers the first six (region) and last four characters, names the first character (the family name). Unmasking is a permission, not a default.
/// </summary>
public static class Masking
{
    public static string Phone(string phone) =>
        phone.Length >= 8 ? string.Concat(phone.AsSpan(0, 3), new string('*', phone.Length - 7), phone.AsSpan(phone.Length - 4)) : new string('*', phone.Length);

    public static string Name(string name) => name.Length <= 1 ? "*" : name[..1] + new string('*', name.Length - 1);

    public static string IdNumber(string id) =>
        id.Length >= 11 ? string.Concat(id.AsSpan(0, 6), new string('*', id.Length - 10), id.AsSpan(id.Length - 4)) : new string('*', id.Length);
}
