using System.Text.Json.Nodes;

namespace GridMap.GeoApi.Ogc;

/// <summary>The OpenAPI 3.0 definition of the OGC API part (the oas30 conformance class; GDAL reads the limit bounds here).</summary>
public static class OgcOpenApi
{
    public static JsonObject Build(string baseUrl)
    {
        static JsonObject Parameter(string name, string @in, JsonObject schema, string description, bool required = false) => new()
        {
            ["name"] = name, ["in"] = @in, ["required"] = required, ["description"] = description, ["schema"] = schema,
        };
        static JsonObject Responses(string type) => new()
        {
            ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { [type] = new JsonObject() } },
            ["400"] = new JsonObject { ["description"] = "Invalid request (problem+json)" },
            ["404"] = new JsonObject { ["description"] = "Not found (problem+json)" },
        };
        var collectionId = Parameter("collectionId", "path",
            new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. OgcCollections.All.Select(c => (JsonNode)c.Id)]) }, "Collection", true);
        var crsEnum = new JsonArray([.. OgcCrs.Supported.Select(c => (JsonNode)c)]);
        JsonObject Get(string summary, JsonArray parameters, string type) => new()
        {
            ["get"] = new JsonObject { ["summary"] = summary, ["parameters"] = parameters, ["responses"] = Responses(type) },
        };
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "GridMap OGC API – Features", ["version"] = "1.0.0" },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = baseUrl }),
            ["paths"] = new JsonObject
            {
                ["/"] = Get("Landing page", [], "application/json"),
                ["/conformance"] = Get("Conformance classes", [], "application/json"),
                ["/collections"] = Get("Feature collections", [], "application/json"),
                ["/collections/{collectionId}"] = Get("One collection", [collectionId.DeepClone()], "application/json"),
                ["/collections/{collectionId}/items"] = Get("Features of a collection", [
                    collectionId.DeepClone(),
                    Parameter("limit", "query", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = OgcApi.MaxLimit, ["default"] = OgcApi.DefaultLimit }, "Page size"),
                    Parameter("offset", "query", new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = OgcApi.MaxOffset, ["default"] = 0 }, "Features to skip"),
                    Parameter("bbox", "query", new JsonObject { ["type"] = "array", ["minItems"] = 4, ["maxItems"] = 4, ["items"] = new JsonObject { ["type"] = "number" } }, "min x, min y, max x, max y"),
                    Parameter("bbox-crs", "query", new JsonObject { ["type"] = "string", ["format"] = "uri", ["enum"] = crsEnum.DeepClone() }, "CRS of bbox"),
                    Parameter("crs", "query", new JsonObject { ["type"] = "string", ["format"] = "uri", ["enum"] = crsEnum.DeepClone() }, "CRS of the output"),
                ], OgcApi.GeoJson),
                ["/collections/{collectionId}/items/{featureId}"] = Get("One feature", [
                    collectionId.DeepClone(),
                    Parameter("featureId", "path", new JsonObject { ["type"] = "string" }, "Code of the unit or grid", true),
                    Parameter("crs", "query", new JsonObject { ["type"] = "string", ["format"] = "uri", ["enum"] = crsEnum.DeepClone() }, "CRS of the output"),
                ], OgcApi.GeoJson),
            },
        };
    }
}
