using System.Reflection;
using System.Text;
using GridMap.Store.Features;

namespace GridMap.GeoApi.Ogc;

/// <summary>The HTML face of the OGC API: plain pages a person can browse (every value HTML-encoded).</summary>
public static class OgcHtml
{
    private const string Css =
        "body{font-family:\"Noto Sans CJK SC\",sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.2rem .5rem}";

    public static IResult Page(string title, string body) => TypedResults.Content(
        $"""
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{OgcApi.Encode(title)}</title><style>{Css}</style>
        </head><body><p><a href="/ogc?f=html">GridMap OGC API</a> · <a href="/ogc/collections?f=html">collections</a></p>
        <h1>{OgcApi.Encode(title)}</h1>{body}</body></html>
        """, "text/html; charset=utf-8");

    public static string List(IEnumerable<string> items) =>
        "<ul>" + string.Concat(items.Select(i => $"<li>{OgcApi.Encode(i)}</li>")) + "</ul>";

    public static string Links(IEnumerable<object> links)
    {
        var html = new StringBuilder("<ul>");
        foreach (var link in links)
        {
            string Get(string name) => OgcApi.Text(link.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(link));
            html.Append("<li><a href=\"").AppendEncoded(Get("href")).Append("\">").AppendEncoded(Get("title")).Append("</a> (").AppendEncoded(Get("rel")).Append(")</li>");
        }
        return html.Append("</ul>").ToString();
    }

    public static IResult Items(OgcCollection collection, FeaturePage page, int offset, int limit, string baseUrl)
    {
        var html = new StringBuilder();
        html.Append($"<p>{page.Matched:N0} features; showing {offset + (page.Features.Count > 0 ? 1 : 0):N0}–{offset + page.Features.Count:N0}.</p><table><tr>");
        var columns = page.Features.FirstOrDefault()?.Properties.Select(p => p.Key).ToList() ?? [];
        foreach (var column in columns)
            html.Append("<th>").AppendEncoded(column).Append("</th>");
        html.Append("</tr>");
        foreach (var feature in page.Features)
        {
            html.Append("<tr>");
            foreach (var (key, value) in feature.Properties)
            {
                var text = OgcApi.Text(value);
                html.Append("<td>");
                if (key == "code")
                    html.Append("<a href=\"").AppendEncoded($"{baseUrl}/collections/{collection.Id}/items/{text}?f=html").Append("\">").AppendEncoded(text).Append("</a>");
                else
                    html.AppendEncoded(text);
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table><p>");
        if (offset > 0)
            html.Append($"<a href=\"{OgcApi.Encode($"{baseUrl}/collections/{collection.Id}/items?f=html&limit={limit}&offset={Math.Max(0, offset - limit)}")}\">previous</a> ");
        if (offset + page.Features.Count < page.Matched)
            html.Append($"<a href=\"{OgcApi.Encode($"{baseUrl}/collections/{collection.Id}/items?f=html&limit={limit}&offset={offset + limit}")}\">next</a>");
        html.Append("</p>");
        return Page(collection.Title, html.ToString());
    }
}
