using GridMap.Domain.Villages;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Villages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Villages;

/// <summary>The village committee's registers (issue 18): weddings and funerals (红白事) and the collective's contracts (合同管理).</summary>
public static class VillagesApi
{
    public static IEndpointRouteBuilder MapVillagesApi(this IEndpointRouteBuilder app)
    {
        var village = app.MapGroup("/api/villages/{village}").WithTags("Village affairs").RequireAuthorization().WithSmallBody();
        village.MapGet("/ceremonies", Ceremonies).WithSummary("The village's weddings and funerals of a year (?year=, default this year), each checked against the village rules' scale.")
            .ProducesProblem(404);
        village.MapPost("/ceremonies", AddCeremony).DisableAntiforgery()
            .WithSummary("Record a wedding or funeral ({kind: wedding|funeral, heldOn, family, tables, service, note?}); the scale is checked against the village rules.")
            .ProducesProblem(400).ProducesProblem(403);
        village.MapGet("/contracts", Contracts).WithSummary("The village collective's contracts, or those in force in a year (?year=): the yearly list; ending within 30 days is flagged.")
            .ProducesProblem(404);
        village.MapPost("/contracts", AddContract).DisableAntiforgery()
            .WithSummary("Record a contract ({party, subject, startsOn, endsOn, amountYuan, renewal: none|renew|tender}); its end is announced in the village staff's inbox 30 days ahead.")
            .ProducesProblem(400).ProducesProblem(403);
        return app;
    }

    public sealed record CeremonyRequest(string? Kind, DateOnly? HeldOn, string? Family, int? Tables, string? Service, string? Note);

    public sealed record ContractRequest(string? Party, string? Subject, DateOnly? StartsOn, DateOnly? EndsOn, decimal? AmountYuan, string? Renewal);

    private static bool WellFormed(string village) => village.Length == 12 && village.All(char.IsAsciiDigit);

    private static ProblemHttpResult NotInArea(string village) => ApiProblems.NotFound($"No village {CodeRoute.Truncate(village)} in your area.");


    public static async Task<Results<Ok<IReadOnlyList<CeremonyView>>, ProblemHttpResult>> Ceremonies(string village, int? year, HttpContext http, VillageStore store,
        TimeProvider time, CancellationToken ct) =>
        WellFormed(village) && await store.CeremoniesAsync(RequestCaller.Get(http), village, year ?? time.GetUtcNow().AddHours(8).Year, ct) is { } list
            ? TypedResults.Ok(list)
            : NotInArea(village);

    public static async Task<Results<Created<CeremonyView>, ProblemHttpResult>> AddCeremony(string village, CeremonyRequest? body, HttpContext http, VillageStore store,
        CancellationToken ct)
    {
        if (!WellFormed(village))
            return NotInArea(village);
        if (!RequestEnum.TryParse<CeremonyKind>(body?.Kind, out var kind))
            return ApiProblems.InvalidField("kind", "kind is wedding (婚事) or funeral (丧事).");
        if (body!.HeldOn is not { } heldOn)
            return ApiProblems.InvalidField("heldOn", "heldOn is the date (yyyy-MM-dd).");
        var added = await store.AddCeremonyAsync(RequestCaller.Get(http), village,
            new NewCeremony(kind, heldOn, body.Family ?? "", body.Tables ?? -1, body.Service ?? "", body.Note), ct);
        return added.Succeeded ? TypedResults.Created($"/api/villages/{village}/ceremonies", added.Value) : added.Problem!.ToProblem(http.Response);
    }

    public static async Task<Results<Ok<IReadOnlyList<ContractView>>, ProblemHttpResult>> Contracts(string village, int? year, HttpContext http, VillageStore store,
        CancellationToken ct) =>
        WellFormed(village) && await store.ContractsAsync(RequestCaller.Get(http), village, year, ct) is { } list ? TypedResults.Ok(list) : NotInArea(village);

    public static async Task<Results<Created<ContractView>, ProblemHttpResult>> AddContract(string village, ContractRequest? body, HttpContext http, VillageStore store,
        CancellationToken ct)
    {
        if (!WellFormed(village))
            return NotInArea(village);
        if (body?.StartsOn is not { } starts)
            return ApiProblems.InvalidField("startsOn", "startsOn is the first day (yyyy-MM-dd).");
        if (body.EndsOn is not { } ends)
            return ApiProblems.InvalidField("endsOn", "endsOn is the last day (yyyy-MM-dd).");
        if (!RequestEnum.TryParse<ContractRenewal>(body.Renewal ?? "none", out var renewal))
            return ApiProblems.InvalidField("renewal", "renewal is none, renew or tender.");
        var added = await store.AddContractAsync(RequestCaller.Get(http), village,
            new NewContract(body.Party ?? "", body.Subject ?? "", starts, ends, body.AmountYuan ?? -1, renewal), ct);
        return added.Succeeded ? TypedResults.Created($"/api/villages/{village}/contracts", added.Value) : added.Problem!.ToProblem(http.Response);
    }
}
