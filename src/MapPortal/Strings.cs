using System.Resources;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace GridMap.MapPortal;

/// <summary>The portal's text: Chinese in Resources/Strings.resx (the neutral culture), English in Strings.en.resx.</summary>
public sealed class Strings;
