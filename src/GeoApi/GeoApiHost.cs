namespace GridMap.GeoApi;

/// <summary>
/// Names the GeoApi's assembly for WebApplicationFactory; the hosts' top-level <c>Program</c> classes would clash
/// in a test that starts more than one of them.
/// </summary>
public sealed class GeoApiHost;
