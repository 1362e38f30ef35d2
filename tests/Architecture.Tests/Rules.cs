using System.Reflection;
using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;

namespace GridMap.Architecture.Tests;

/// <summary>
/// The layering rules as checks that list their violations, so each test can assert both that the real tree has none
/// and that a deliberate violation (Samples/) is found.
/// </summary>
public static partial class Rules
{
    /// <summary>What Domain must not touch: the other layers, the database, HTTP, files, processes.</summary>
    public static readonly string[] DomainForbidden =
    [
        "GridMap.Store", "GridMap.Synthetic", "GridMap.Hosting", "GridMap.GeoApi", "GridMap.Tiling", "GridMap.MapPortal",
        "GridMap.Cli", "Npgsql", "Microsoft.AspNetCore", "Microsoft.Data", "Microsoft.Extensions.Hosting", "System.Data",
        "System.Net", "System.IO.File", "System.IO.Directory", "System.IO.FileStream", "System.IO.FileInfo",
        "System.Diagnostics.Process", "System.Console",
    ];

    /// <summary>
    /// What Store must not touch: HTTP and the layers above it. (ASP.NET Core Identity's password hasher lives in a
    /// Microsoft.AspNetCore namespace but in Microsoft.Extensions.Identity.Core, which knows nothing of HTTP; the
    /// assembly check below keeps every ASP.NET Core assembly out.)
    /// </summary>
    public static readonly string[] StoreForbidden =
    [
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Mvc",
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server", "Microsoft.AspNetCore.SignalR", "Microsoft.AspNetCore.Components",
        "GridMap.Hosting", "GridMap.Synthetic", "GridMap.GeoApi", "GridMap.Tiling", "GridMap.MapPortal", "GridMap.Cli",
    ];

    /// <summary>The Npgsql types that run queries; a host gets its data from a Store class instead.</summary>
    public static readonly string[] NpgsqlQueryTypes =
    [
        "Npgsql.NpgsqlCommand", "Npgsql.NpgsqlConnection", "Npgsql.NpgsqlDataReader", "Npgsql.NpgsqlBatch",
        "Npgsql.NpgsqlParameter", "Npgsql.NpgsqlTransaction", "Npgsql.NpgsqlBinaryImporter", "Npgsql.NpgsqlBinaryExporter",
    ];

    public static IReadOnlyList<string> TypesDependingOn(Assembly assembly, string[] forbidden, string? onlyNamespace = null)
    {
        var types = Types.InAssembly(assembly);
        var result = onlyNamespace is null
            ? types.ShouldNot().HaveDependencyOnAny(forbidden).GetResult()
            : types.That().ResideInNamespace(onlyNamespace).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypeNames.ToList();
    }

    public static IReadOnlyList<string> ReferencedAssemblies(Assembly assembly, string prefix) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    // SQL keywords in capitals, as every statement of this tree is written; "LISTEN"/"NOTIFY" only as a whole statement on a channel.
    [GeneratedRegex(@"\bSELECT\b[\s\S]*\bFROM\b|\bSELECT\s+(\d|\w+\()|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bTRUNCATE\s+\w|\b(UN)?LISTEN\s+(""?[a-z_][a-z0-9_]*""?|\*|\{\d+\})?\s*;?\s*$|\bNOTIFY\s+(""?[a-z_][a-z0-9_]*""?|\{\d+\})\s*(,|;?\s*$)|\bpg_notify\s*\(|\bCREATE\s+(TEMP\s+|TEMPORARY\s+|UNIQUE\s+)?(TABLE|INDEX|VIEW)\b|\bCOPY\s+\w+[\s\S]*\bSTDIN\b")]
    private static partial Regex SqlStatement();

    public static bool LooksLikeSql(string text) => SqlStatement().IsMatch(text);

    /// <summary>
    /// Every string constant in the assembly's code that reads as an SQL statement ("Type.Method: text"), and every
    /// embedded <c>.sql</c> resource: a host that holds SQL has bypassed Store.
    /// </summary>
    public static IReadOnlyList<string> SqlText(Assembly assembly, string? onlyNamespace = null)
    {
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        var found = new List<string>();
        foreach (var type in module.GetTypes())
        {
            if (onlyNamespace is not null && !OuterNamespace(type).StartsWith(onlyNamespace, StringComparison.Ordinal))
                continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var instruction in method.Body.Instructions)
                    if (instruction.OpCode == OpCodes.Ldstr && instruction.Operand is string text && LooksLikeSql(text))
                        found.Add($"{type.FullName}.{method.Name}: {text}");
        }
        if (onlyNamespace is null)
            found.AddRange(module.Resources.Where(r => r.Name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)).Select(r => "resource " + r.Name));
        return found;
    }

    private static string OuterNamespace(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type.Namespace;
    }
}
