using System.Globalization;
using System.Net;
using System.Text;
using Bunit;
using GridMap.MapPortal.GeoApi;
using Microsoft.Extensions.DependencyInjection;

namespace GridMap.MapPortal.Tests.Components;

/// <summary>
/// A bUnit context with the portal's localization (Chinese) and a GeoApiClient whose HTTP goes to a small fake
/// GeoApi answering canned JSON: an external service faked at its HTTP boundary.
/// </summary>
public abstract class ComponentTest : IDisposable
{
    protected ComponentTest()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        Context.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Context.Services.AddSingleton(new GeoApiClient(new HttpClient(FakeGeoApi) { BaseAddress = new Uri("http://geoapi.test/") }));
    }

    protected BunitContext Context { get; } = new();

    protected FakeHandler FakeGeoApi { get; } = new();

    public void Dispose()
    {
        Context.Dispose();
        GC.SuppressFinalize(this);
    }

    public sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Dictionary<string, string> answers = new(StringComparer.Ordinal);

        public List<string> Requests { get; } = [];

        /// <summary>Answers a path and query (unescaped) with JSON.</summary>
        public void Answer(string pathAndQuery, string json) => answers[pathAndQuery] = json;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = Uri.UnescapeDataString(request.RequestUri!.PathAndQuery);
            Requests.Add(key);
            return Task.FromResult(answers.TryGetValue(key, out var json)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound)
                {
                    Content = new StringContent("""{"title":"Not found","status":404,"detail":"unknown"}""", Encoding.UTF8, "application/problem+json"),
                });
        }
    }
}
