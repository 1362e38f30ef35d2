namespace GridMap.Domain.Access;

/// <summary>
/// The response headers every GridMap host sends (portal, GeoApi with the field app, tiling). Scripts only from the
/// host itself (no inline script anywhere; WebAssembly compiled for the field app), never framed, no MIME sniffing, the
/// referrer only to the own origin. Styles allow inline attributes (Blazor and OpenLayers set them); images and
/// connections reach other origins because the map's tiles come from the tiling service's own address.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; " +
        "connect-src 'self' http: https: ws: wss:; worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    public static IReadOnlyList<(string Name, string Value)> All { get; } =
    [
        ("Content-Security-Policy", ContentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()"),
    ];
}
