namespace GridMap.MapPortal.GeoApi;

public sealed record GridPostDto(string Grid, string? Name, string? Phone, DateOnly? AppointedOn, string Username, bool AccountActive);

public sealed record AppointmentDto(string Grid, string Name, string Phone, string Username, string TemporaryPassword, string? Replaced);

public sealed record ManagerFlagDto(long Id, string Village, int Version, string Grid, string Name, string? Phone, string? Username, string Reason,
    DateTimeOffset FlaggedAt, DateTimeOffset? ResolvedAt, string? ResolvedBy, string? ResolvedGrid, string? Resolution);

public sealed record FlagResolutionDto(ManagerFlagDto Flag, AppointmentDto? Appointment);

public sealed record AccountSummaryDto(string Username, string DisplayName, string Role, string Scope, string? Department, string? Phone, bool Active,
    bool Locked, bool SecondFactor, DateTimeOffset CreatedAt);

public sealed record OpenedAccountDto(AccountSummaryDto Account, string TemporaryPassword);

/// <summary>Staffing and the administrator's accounts, on behalf of the signed-in person.</summary>
public sealed partial class GeoApiClient
{
    public Task<ApiResult<GridPostDto>> GetGridPostAsync(string grid, string token, CancellationToken ct = default) =>
        SendAsync<GridPostDto>(HttpMethod.Get, $"api/staffing/grids/{Uri.EscapeDataString(grid)}", token, null, ct);

    public Task<ApiResult<AppointmentDto>> AppointAsync(string grid, string name, string phone, string token, CancellationToken ct = default) =>
        SendAsync<AppointmentDto>(HttpMethod.Post, $"api/staffing/grids/{Uri.EscapeDataString(grid)}/manager", token, new { name, phone }, ct);

    public Task<ApiResult<GridPostDto>> VacateAsync(string grid, string reason, string token, CancellationToken ct = default) =>
        SendAsync<GridPostDto>(HttpMethod.Post, $"api/staffing/grids/{Uri.EscapeDataString(grid)}/vacate", token, new { reason }, ct);

    public Task<ApiResult<List<ManagerFlagDto>>> GetStaffingFlagsAsync(string token, CancellationToken ct = default) =>
        SendAsync<List<ManagerFlagDto>>(HttpMethod.Get, "api/staffing/flags", token, null, ct);

    public Task<ApiResult<FlagResolutionDto>> ResolveStaffingFlagAsync(long id, string? grid, string note, string token, CancellationToken ct = default) =>
        SendAsync<FlagResolutionDto>(HttpMethod.Post, $"api/staffing/flags/{id}/resolve", token, new { grid, note }, ct);

    public Task<ApiResult<List<AccountSummaryDto>>> SearchAccountsAsync(string? text, string? role, string? area, string token, CancellationToken ct = default) =>
        SendAsync<List<AccountSummaryDto>>(HttpMethod.Get,
            $"api/accounts?limit=100{(string.IsNullOrWhiteSpace(text) ? "" : "&q=" + Uri.EscapeDataString(text.Trim()))}{(string.IsNullOrEmpty(role) ? "" : "&role=" + Uri.EscapeDataString(role))}{(string.IsNullOrWhiteSpace(area) ? "" : "&area=" + Uri.EscapeDataString(area.Trim()))}",
            token, null, ct);

    public Task<ApiResult<OpenedAccountDto>> OpenAccountAsync(object body, string token, CancellationToken ct = default) =>
        SendAsync<OpenedAccountDto>(HttpMethod.Post, "api/accounts", token, body, ct);

    public Task<ApiResult<AccountSummaryDto>> ChangeAccountRoleAsync(string username, string role, string scope, string? department, string token,
        CancellationToken ct = default) =>
        SendAsync<AccountSummaryDto>(HttpMethod.Post, $"api/accounts/{Uri.EscapeDataString(username)}/role", token, new { role, scope, department }, ct);

    /// <summary>unlock, disable, enable, password (with one) or reset-second-factor.</summary>
    public Task<ApiResult<object>> AdministerAccountAsync(string username, string action, string? password, string token, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Post, $"api/accounts/{Uri.EscapeDataString(username)}/{Uri.EscapeDataString(action)}", token,
            password is null ? new { } : new { password }, ct);
}

public sealed record PartyViewDto(long? PersonId, string Name, bool Resident);

public sealed record DisputeStepDto(DateTimeOffset At, string Actor, string Action, string Level, string? Note);

public sealed record DisputeDto(long Id, string Grid, string Severity, string Kind, string Summary, string Source, long? EventId, string Level, string Unit,
    string State, string? Mediator, DateTimeOffset? Due, bool Overdue, string? AgreementTerms, string? SettledLevel, string? ReferredTo, int Sessions,
    int FollowUps, string RecordedBy, DateTimeOffset RecordedAt, int Version, List<PartyViewDto> Parties, List<DisputeStepDto> History, List<string> Actions);

/// <summary>Disputes (issue 18) on behalf of the signed-in person.</summary>
public sealed partial class GeoApiClient
{
    public Task<ApiResult<List<DisputeDto>>> GetDisputesAsync(string token, bool openOnly, CancellationToken ct = default) =>
        SendAsync<List<DisputeDto>>(HttpMethod.Get, $"api/disputes?open={(openOnly ? "true" : "false")}", token, null, ct);

    public Task<ApiResult<DisputeDto>> GetDisputeAsync(long id, string token, CancellationToken ct = default) =>
        SendAsync<DisputeDto>(HttpMethod.Get, $"api/disputes/{id}", token, null, ct);

    public Task<ApiResult<DisputeDto>> RecordDisputeAsync(object body, string token, CancellationToken ct = default) =>
        SendAsync<DisputeDto>(HttpMethod.Post, "api/disputes", token, body, ct);

    public Task<ApiResult<DisputeDto>> ActOnDisputeAsync(long id, string action, object body, string token, CancellationToken ct = default) =>
        SendAsync<DisputeDto>(HttpMethod.Post, $"api/disputes/{id}/actions/{Uri.EscapeDataString(action)}", token, body, ct);
}

public sealed record CeremonyDto(long Id, string Village, string Kind, DateOnly HeldOn, string Family, int Tables, int TableLimit, bool WithinRules,
    string Service, string? Note, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record ContractDto(long Id, string Village, string Party, string Subject, DateOnly StartsOn, DateOnly EndsOn, decimal AmountYuan, string Renewal,
    bool EndingSoon, DateTimeOffset? RemindedAt, string RecordedBy);

/// <summary>The village committee's registers (issue 18) on behalf of the signed-in person.</summary>
public sealed partial class GeoApiClient
{
    public Task<ApiResult<List<CeremonyDto>>> GetCeremoniesAsync(string village, int year, string token, CancellationToken ct = default) =>
        SendAsync<List<CeremonyDto>>(HttpMethod.Get, $"api/villages/{Uri.EscapeDataString(village)}/ceremonies?year={year}", token, null, ct);

    public Task<ApiResult<CeremonyDto>> AddCeremonyAsync(string village, object body, string token, CancellationToken ct = default) =>
        SendAsync<CeremonyDto>(HttpMethod.Post, $"api/villages/{Uri.EscapeDataString(village)}/ceremonies", token, body, ct);

    public Task<ApiResult<List<ContractDto>>> GetContractsAsync(string village, int year, string token, CancellationToken ct = default) =>
        SendAsync<List<ContractDto>>(HttpMethod.Get, $"api/villages/{Uri.EscapeDataString(village)}/contracts?year={year}", token, null, ct);

    public Task<ApiResult<ContractDto>> AddContractAsync(string village, object body, string token, CancellationToken ct = default) =>
        SendAsync<ContractDto>(HttpMethod.Post, $"api/villages/{Uri.EscapeDataString(village)}/contracts", token, body, ct);
}

public sealed record CatalogueServiceDto(int Key, string Level, string Department, string Name, string Kind, string CompetentLevel, int? TimeLimitDays,
    string? TimeLimitNote, int WorkingDaysGiven, List<string> Documents, string Source, string? SourceLocality);

public sealed record CatalogueDto(string County, int Version, DateTimeOffset CreatedAt, string CreatedBy, string Note, DateTimeOffset? RetiredAt,
    List<CatalogueServiceDto> Services);

public sealed record CatalogueVersionDto(int Version, DateTimeOffset CreatedAt, string CreatedBy, string Note, DateTimeOffset? RetiredAt, int Services);

public sealed record ProxyDocumentDto(string Name, bool Received);

public sealed record ProxyStepDto(DateTimeOffset At, string Actor, string Action, string Level, string? Note);

public sealed record ProxyRequestDto(long Id, string TrackingNo, string Grid, int CatalogueVersion, CatalogueServiceDto Service, long? PersonId,
    string Resident, string Channel, List<ProxyDocumentDto> Documents, string? Note, string State, string Level, string Unit, string? Department,
    DateTimeOffset? Due, bool Overdue, bool? OnTime, DateTimeOffset? HandedAt, string? Result, DateTimeOffset? FinishedAt, string RecordedBy,
    DateTimeOffset RecordedAt, bool Synthetic, int Version, List<ProxyStepDto> History, List<string> Actions);

/// <summary>Proxy services (issue 18): the county catalogue and requests on behalf of the signed-in person.</summary>
public sealed partial class GeoApiClient
{
    public Task<ApiResult<CatalogueDto>> GetCatalogueAsync(string county, int? version, string? token, CancellationToken ct = default) =>
        SendAsync<CatalogueDto>(HttpMethod.Get, $"api/catalogue/{Uri.EscapeDataString(county)}{(version is { } v ? $"?version={v}" : "")}", token, null, ct);

    public Task<ApiResult<List<CatalogueVersionDto>>> GetCatalogueVersionsAsync(string county, string? token, CancellationToken ct = default) =>
        SendAsync<List<CatalogueVersionDto>>(HttpMethod.Get, $"api/catalogue/{Uri.EscapeDataString(county)}/versions", token, null, ct);

    public Task<ApiResult<CatalogueDto>> RetireCatalogueServiceAsync(string county, int key, int expectedVersion, string token, CancellationToken ct = default) =>
        SendAsync<CatalogueDto>(HttpMethod.Delete, $"api/catalogue/{Uri.EscapeDataString(county)}/services/{key}?expectedVersion={expectedVersion}", token, null, ct);

    public Task<ApiResult<CatalogueDto>> SaveCatalogueServiceAsync(string county, int? key, object body, string token, CancellationToken ct = default) =>
        SendAsync<CatalogueDto>(key is null ? HttpMethod.Post : HttpMethod.Put,
            $"api/catalogue/{Uri.EscapeDataString(county)}/services{(key is { } k ? $"/{k}" : "")}", token, body, ct);

    public Task<ApiResult<List<ProxyRequestDto>>> GetProxyRequestsAsync(string token, bool openOnly, CancellationToken ct = default) =>
        SendAsync<List<ProxyRequestDto>>(HttpMethod.Get, $"api/proxy?open={(openOnly ? "true" : "false")}", token, null, ct);

    public Task<ApiResult<ProxyRequestDto>> TakeProxyRequestAsync(object body, string token, CancellationToken ct = default) =>
        SendAsync<ProxyRequestDto>(HttpMethod.Post, "api/proxy", token, body, ct);

    public Task<ApiResult<ProxyRequestDto>> ActOnProxyRequestAsync(long id, string action, object body, string token, CancellationToken ct = default) =>
        SendAsync<ProxyRequestDto>(HttpMethod.Post, $"api/proxy/{id}/actions/{Uri.EscapeDataString(action)}", token, body, ct);
}
