using GridMap.Domain.Access;
using Microsoft.AspNetCore.Builder;

namespace GridMap.Hosting.Security;

public static class SecurityHeadersMiddleware
{
    /// <summary>Every answer of the host carries <see cref="SecurityHeaders.All"/>, errors and 304s included.</summary>
    public static IApplicationBuilder UseGridMapSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            foreach (var (name, value) in SecurityHeaders.All)
                context.Response.Headers[name] = value;
            await next();
        });
}
