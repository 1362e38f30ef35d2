using System.Resources;
using Microsoft.Extensions.Localization;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace GridMap.MapPortal;

/// <summary>The portal's text: Chinese in Resources/Strings.resx (the neutral culture), English in Strings.en.resx.</summary>
public sealed class Strings;

public static class StringsExtensions
{
    /// <summary>The text for a key made from data (a state, an action, a department), or <paramref name="fallback"/> where there is none.</summary>
    public static string TextOr(this IStringLocalizer<Strings> strings, string key, string fallback) =>
        strings[key] is { ResourceNotFound: false } text ? text.Value : fallback;
}
