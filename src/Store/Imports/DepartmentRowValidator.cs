using System.Globalization;
using GridMap.Domain.People;
using GridMap.Domain.Privacy;

namespace GridMap.Store.Imports;

/// <summary>One row on its way to the staging table: merge-ready values, or the reason it cannot be merged.</summary>
internal readonly record struct StagedRow(
    int Line, string? IdNumber, string? IdMasked, string? Name, string? GroupCode, short? RiskLevel,
    DateOnly? RegisteredOn, string? Note, string? RegisterType, string? InvalidReason)
{
    /// <summary>The village code the row carries (GridMap's or 2023's), checked to be one GridMap knows.</summary>
    public string? VillageCode { get; init; }

    public string? Address { get; init; }
}

/// <summary>
/// Reads a department file's header and checks its rows one by one, with reasons a clerk can act on. A row repeating
/// an earlier valid row's ID number and group is invalid: only the first is merged.
/// </summary>
internal sealed class DepartmentRowValidator
{
    private static readonly string[] DateFormats = ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd"];
    private static readonly DateOnly EarliestRegistration = new(1900, 1, 1);

    private readonly string department;
    private readonly DateOnly today;
    private readonly int width;
    private readonly int idColumn, nameColumn, groupColumn, riskColumn, dateColumn, noteColumn, registerTypeColumn, villageColumn, addressColumn;
    private readonly IReadOnlySet<string> knownVillageCodes;
    private readonly Dictionary<string, (string Code, int Index)> lists = new(StringComparer.OrdinalIgnoreCase);
    private readonly string listNames;
    // Keyed by the 17 digits before the check character (they determine it) and the list's index: 8 bytes a row.
    private readonly Dictionary<long, int> firstLines = [];

    private DepartmentRowValidator(string department, DateOnly today, IReadOnlyList<string> header, IReadOnlySet<string> knownVillageCodes)
    {
        this.department = department;
        this.today = today;
        this.knownVillageCodes = knownVillageCodes;
        width = header.Count;
        var index = IndexColumns(header);
        idColumn = index[DepartmentListFormat.IdNumber];
        nameColumn = index[DepartmentListFormat.Name];
        groupColumn = index[DepartmentListFormat.Group];
        riskColumn = index[DepartmentListFormat.RiskLevel];
        dateColumn = index[DepartmentListFormat.RegisteredOn];
        noteColumn = index.GetValueOrDefault(DepartmentListFormat.Note, -1);
        registerTypeColumn = index.GetValueOrDefault(DepartmentListFormat.RegisterType, -1);
        villageColumn = index.GetValueOrDefault(DepartmentListFormat.VillageCode, -1);
        addressColumn = index.GetValueOrDefault(DepartmentListFormat.Address, -1);
        var codes = DepartmentListFormat.ListsOf(department);
        for (var i = 0; i < codes.Count; i++)
        {
            lists[codes[i]] = (codes[i], i);
            var nameZh = codes[i] switch
            {
                DepartmentListFormat.HouseholdRegister => DepartmentListFormat.HouseholdRegisterNameZh,
                DepartmentListFormat.DeathReport => DepartmentListFormat.DeathReportNameZh,
                _ => SpecialGroup.Find(codes[i])!.NameZh,
            };
            lists[nameZh] = (codes[i], i);
        }
        listNames = string.Join(", ", codes);
    }

    /// <summary>Maps the header; a header without the required columns rejects the whole file.</summary>
    /// <param name="knownVillageCodes">The village codes a <c>village_code</c> may hold (GridMap's and the 2023 ones).</param>
    public static DepartmentRowValidator FromHeader(IReadOnlyList<string> header, string department, DateOnly today, IReadOnlySet<string> knownVillageCodes) =>
        new(department, today, header, knownVillageCodes);

    /// <summary>True when the header has a <c>village_code</c> column (the import then loads the codes it may hold).</summary>
    public static bool HasVillageColumn(IReadOnlyList<string> header) => IndexColumns(header).ContainsKey(DepartmentListFormat.VillageCode);

    private static Dictionary<ListColumn, int> IndexColumns(IReadOnlyList<string> header)
    {
        var index = new Dictionary<ListColumn, int>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            var column = DepartmentListFormat.Columns.FirstOrDefault(c =>
                string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase) || c.NameZh == name);
            if (column is null)
                continue; // departments' exports carry extra columns (序号 …); they are not ours to read
            if (!index.TryAdd(column, i))
                throw new ImportRejectedException($"The header names the column {column.Name} ({column.NameZh}) twice.");
        }
        var expected = $"expected {string.Join(',', DepartmentListFormat.Columns.Select(c => c.Name))} " +
            $"(or {string.Join(',', DepartmentListFormat.Columns.Select(c => c.NameZh))})";
        if (index.Count == 0)
            throw new ImportRejectedException($"The first row is not a header: {expected}.");
        var missing = DepartmentListFormat.Columns.Where(c => c.Required && !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new ImportRejectedException(
                $"The header lacks the column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(c => $"{c.Name} ({c.NameZh})"))}: {expected}.");
        return index;
    }

    public StagedRow Check(IReadOnlyList<string> fields, int line)
    {
        var rawId = idColumn < fields.Count ? fields[idColumn].Trim() : "";
        var masked = rawId.Length == 0 ? null : Masking.IdNumber(rawId.Length > 64 ? rawId[..64] : rawId);
        StagedRow Invalid(string reason) => new(line, null, masked, null, null, null, null, null, null, reason);

        if (fields.Count != width)
            return Invalid($"The row has {fields.Count} fields but the header has {width}; a name or note holding a comma must be in double quotes.");
        if (!Domain.People.IdNumber.TryParse(rawId, today, out var id, out var idError))
            return Invalid(idError);
        masked = Masking.IdNumber(id.Value);

        var name = fields[nameColumn].Trim();
        if (name.Length == 0)
            return Invalid("The name is empty.");
        var nameLength = Characters(name);
        if (nameLength > DepartmentListFormat.MaxNameLength)
            return Invalid($"The name has {nameLength} characters; at most {DepartmentListFormat.MaxNameLength} fit.");

        var groupText = fields[groupColumn].Trim();
        if (!lists.TryGetValue(groupText, out var list))
            return Invalid(groupText.Length == 0
                ? $"The group is empty; {department} lists hold {listNames}."
                : $"The group \"{groupText}\" is not one of {department}'s: {listNames}.");

        var (villageCode, address, placeError) = CheckPlace(fields);
        if (placeError is not null)
            return Invalid(placeError);

        var duplicateKey = long.Parse(id.Value.AsSpan(0, 17), CultureInfo.InvariantCulture) * 8 + list.Index;
        if (list.Code == DepartmentListFormat.HouseholdRegister)
        {
            if (registerTypeColumn < 0)
                return Invalid("A household_register row needs a register_type (户籍类型) column; the file has none.");
            var registerType = RegisterTypes.Find(fields[registerTypeColumn]);
            if (registerType is null)
                return Invalid($"The register type \"{fields[registerTypeColumn].Trim()}\" is not registered, floating or foreign (户籍, 流动, 境外).");
            if (IsDuplicate(duplicateKey, line, out var first))
                return Invalid(DuplicateReason(first));
            return new StagedRow(line, id.Value, masked, name, list.Code, null, null, null, registerType, null) { VillageCode = villageCode, Address = address };
        }

        if (list.Code == DepartmentListFormat.DeathReport)
        {
            var (died, deathError) = ReadDate(fields, "date of death");
            if (deathError is not null)
                return Invalid(deathError);
            if (IsDuplicate(duplicateKey, line, out var firstReport))
                return Invalid(DuplicateReason(firstReport));
            return new StagedRow(line, id.Value, masked, name, list.Code, null, died, null, null, null)
            {
                VillageCode = villageCode,
                Address = address,
            };
        }

        var riskText = fields[riskColumn].Trim();
        if (riskText is not ("1" or "2" or "3"))
            return Invalid(riskText.Length == 0 ? "The risk level is empty; it is 1, 2 or 3." : $"The risk level \"{riskText}\" is not 1, 2 or 3.");

        var (registeredOn, registrationError) = ReadDate(fields, "registration date");
        if (registrationError is not null)
            return Invalid(registrationError);

        string? note = null;
        if (noteColumn >= 0 && fields[noteColumn].Trim() is { Length: > 0 } noteText)
        {
            var noteLength = Characters(noteText);
            if (noteLength > DepartmentListFormat.MaxNoteLength)
                return Invalid($"The note has {noteLength} characters; at most {DepartmentListFormat.MaxNoteLength} fit.");
            note = noteText;
        }

        if (IsDuplicate(duplicateKey, line, out var firstLine))
            return Invalid(DuplicateReason(firstLine));
        return new StagedRow(line, id.Value, masked, name, list.Code, (short)(riskText[0] - '0'), registeredOn, note, null, null)
        {
            VillageCode = villageCode,
            Address = address,
        };
    }

    /// <summary>The date column (registration date, or date of death for a death report), or why it is not a usable date.</summary>
    private (DateOnly Date, string? Error) ReadDate(IReadOnlyList<string> fields, string what)
    {
        var dateText = fields[dateColumn].Trim();
        if (!DateOnly.TryParseExact(dateText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return (default, dateText.Length == 0
                ? $"The {what} is empty; write it as YYYY-MM-DD."
                : $"The {what} \"{dateText}\" is not a date; write it as YYYY-MM-DD.");
        if (date > today)
            return (default, $"The {what} {date:yyyy-MM-dd} is in the future.");
        if (date < EarliestRegistration)
            return (default, $"The {what} {date:yyyy-MM-dd} is before {EarliestRegistration:yyyy}.");
        return (date, null);
    }

    private (string? VillageCode, string? Address, string? Error) CheckPlace(IReadOnlyList<string> fields)
    {
        string? villageCode = null;
        if (villageColumn >= 0 && fields[villageColumn].Trim() is { Length: > 0 } codeText)
        {
            if (codeText.Length != 12 || !codeText.All(char.IsAsciiDigit))
                return (null, null, $"The village code \"{(codeText.Length > 20 ? codeText[..20] + "…" : codeText)}\" is not a 12-digit statistical code.");
            if (!knownVillageCodes.Contains(codeText))
                return (null, null, $"The village code {codeText} is neither a GridMap village nor a 2023 statistical village code of Shanxi.");
            villageCode = codeText;
        }
        string? address = null;
        if (addressColumn >= 0 && fields[addressColumn].Trim() is { Length: > 0 } addressText)
        {
            var length = Characters(addressText);
            if (length > DepartmentListFormat.MaxAddressLength)
                return (null, null, $"The address has {length} characters; at most {DepartmentListFormat.MaxAddressLength} fit.");
            address = addressText;
        }
        return (villageCode, address, null);
    }

    /// <summary>Characters as PostgreSQL's length() counts them: a character outside the BMP is one, not two.</summary>
    private static int Characters(string text) => text.Length <= DepartmentListFormat.MaxNameLength ? text.Length : text.EnumerateRunes().Count();

    private bool IsDuplicate(long key, int line, out int firstLine)
    {
        if (firstLines.TryAdd(key, line))
        {
            firstLine = 0;
            return false;
        }
        firstLine = firstLines[key];
        return true;
    }

    private static string DuplicateReason(int firstLine) =>
        $"Duplicate of line {firstLine} (same ID number and group); only line {firstLine} is merged.";
}
